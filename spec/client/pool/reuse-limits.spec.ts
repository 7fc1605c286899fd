import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as E from 'fp-ts/lib/Either.js';
import { firstValueFrom } from 'rxjs';
import { SessionManager, type SessionEvent } from '../../../src/client/pool/session-manager.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import { resolveDialSettings } from '../../../src/settings/resolve-dial-settings.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import type { XmuxSettings } from '../../../src/settings/xhttp-settings.js';
import { EchoProbe } from '../../helpers/echo-probe.js';
import { establishedTo } from '../../helpers/established-sockets.js';
import { eventually } from '../../helpers/eventually.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../../helpers/in-process.js';

// Xray's XMUX limits on v2ray PUT tunnels (DialSettings.xmux), against our server on real sockets,
// counted where the server is: the HTTP/2 sessions it accepted and the TCP connections it holds.
describe('XMUX reuse limits on v2ray tunnels', function () {
  this.timeout(30_000);
  let peer: InProcessServer;
  let manager: SessionManager;
  let events: SessionEvent[];
  let probes: EchoProbe[];

  beforeEach(async () => {
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
    manager = new SessionManager();
    events = [];
    probes = [];
    manager.events.subscribe((event) => events.push(event));
  });
  afterEach(async () => {
    for (const probe of probes) probe.connection.close();
    await manager.close();
    await peer.close();
  });

  const accepted = () => peer.events.filter((event) => event.type === 'session-opened').length;
  const settings = (xmux?: XmuxSettings): DialSettings => {
    // The keep-alive period is the read-idle timeout by another name: the helper's is left out then.
    const { readIdleTimeoutMs, ...rest } = dialSettingsFor(peer);
    if (xmux === undefined) return { ...rest, readIdleTimeoutMs };
    return xmux.keepAlivePeriodMs === undefined ? { ...rest, readIdleTimeoutMs, xmux } : { ...rest, xmux };
  };
  const open = async (count: number, xmux?: XmuxSettings): Promise<EchoProbe[]> => {
    const opened = await Promise.all(Array.from({ length: count }, () => openTunnel(peer.address, settings(xmux), { manager })));
    const added = opened.map((connection) => new EchoProbe(connection));
    probes.push(...added);
    return added;
  };
  const tunnelsPerSession = (of: readonly EchoProbe[]) => {
    const counts = new Map<number | undefined, number>();
    for (const probe of of) counts.set(probe.session, (counts.get(probe.session) ?? 0) + 1);
    return [...counts.values()].sort();
  };
  const closed = (session: number | undefined) => events.some((event) => event.type === 'closed' && event.id === session);

  it('without xmux: 10 tunnels at once share one connection, as they always did', async () => {
    const opened = await open(10);
    await Promise.all(opened.map((probe) => probe.alive()));
    assert.equal(accepted(), 1);
    assert.equal(await establishedTo(peer.port), 1);
  });

  it('maxConnections 2: 10 tunnels at once open exactly 2 connections, and both carry tunnels', async () => {
    const opened = await open(10, { maxConnections: 2 });
    await Promise.all(opened.map((probe) => probe.alive()));
    assert.equal(accepted(), 2);
    assert.equal(await establishedTo(peer.port), 2);
    assert.equal(tunnelsPerSession(opened).length, 2);
  });

  it('maxConcurrency 2: 6 tunnels at once open 3 connections, 2 tunnels on each', async () => {
    const opened = await open(6, { maxConcurrency: 2 });
    await Promise.all(opened.map((probe) => probe.alive()));
    assert.equal(accepted(), 3);
    assert.equal(await establishedTo(peer.port), 3);
    assert.deepEqual(tunnelsPerSession(opened), [2, 2, 2]);
  });

  it('maxConcurrency 2: a tunnel that ended makes room again on its connection', async () => {
    const [first, second] = await open(2, { maxConcurrency: 2 });
    await (first as EchoProbe).end();
    await eventually(() => manager.stats().tunnels === 1, 'the ended tunnel to leave its session');
    const [third] = await open(1, { maxConcurrency: 2 });
    assert.equal(third?.session, second?.session);
    assert.equal(accepted(), 1);
  });

  it('maxReuseTimes 3: the 4th tunnel opens a new connection; the first serves its tunnels on, and closes once they end', async () => {
    const xmux = { maxReuseTimes: 3 };
    const firstThree = await open(3, xmux);
    const home = firstThree[0]?.session;
    assert.deepEqual(tunnelsPerSession(firstThree), [3]);
    const [fourth] = await open(1, xmux);
    assert.notEqual(fourth?.session, home);
    assert.equal(accepted(), 2);
    const retired = events.find((event) => event.type === 'evicted' && event.id === home);
    assert.ok(retired?.type === 'evicted');
    assert.match(retired.reason.message, /reuse limit reached: carried 3 tunnels \(maxReuseTimes 3\)/);
    assert.equal(retired.reason.severity, 'info');
    // Retired, not torn down: its tunnels carry bytes, and it is still connected.
    await Promise.all(firstThree.map((probe) => probe.alive()));
    assert.equal(closed(home), false);
    assert.equal(await establishedTo(peer.port), 2);
    for (const probe of firstThree) await probe.end();
    await eventually(() => closed(home), 'the retired connection to close once its tunnels ended');
    await fourth?.alive();
    await eventually(() => manager.stats().sessions === 1, 'one session left');
  });

  it('maxRequestTimes 2: counts each v2ray tunnel as one request', async () => {
    const first = await open(2, { maxRequestTimes: 2 });
    const [third] = await open(1, { maxRequestTimes: 2 });
    assert.deepEqual(tunnelsPerSession(first), [2]);
    assert.notEqual(third?.session, first[0]?.session);
    assert.equal(accepted(), 2);
  });

  it('maxReusableMs: a tunnel after the age opens a new connection; the old one closes when its tunnel ends', async () => {
    const xmux = { maxReusableMs: 300 };
    const [early] = await open(1, xmux);
    const [alongside] = await open(1, xmux);
    assert.equal(alongside?.session, early?.session);
    await sleep(400);
    const [late] = await open(1, xmux);
    assert.notEqual(late?.session, early?.session);
    assert.equal(accepted(), 2);
    await early?.alive();
    await early?.end();
    await alongside?.alive();
    assert.equal(closed(early?.session), false);
    await alongside?.end();
    await eventually(() => closed(early?.session), 'the aged connection to close once idle');
    await late?.alive();
  });

  it('keepAlivePeriodMs: PINGs an idle connection after that much silence', async () => {
    const [probe] = await open(1, { keepAlivePeriodMs: 200 });
    await probe?.alive();
    await eventually(() => manager.stats().healthPings > 0, 'a keep-alive PING', 3_000);
    await probe?.alive();
  });

  it('refuses a hold it did not make, instead of counting its tunnel nowhere', async () => {
    const resolved = resolveDialSettings(settings());
    assert.ok(E.isRight(resolved));
    const foreign = { released: false, release: () => undefined };
    await assert.rejects(firstValueFrom(manager.lease({ host: '127.0.0.1', port: peer.port }, resolved.right, foreign)), { code: 'H2T_ERR_USAGE' });
    assert.equal(accepted(), 0);
  });
});
