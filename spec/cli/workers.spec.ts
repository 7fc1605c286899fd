import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { firstValueFrom } from 'rxjs';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { Connection } from '../../src/connection/connection.js';
import { startEchoTarget, type EchoTarget } from '../helpers/echo-target.js';
import { freePort } from '../helpers/process.js';
import { echoRoundTrip } from '../interop/round-trip.js';
import { startCli, type CliProcess, type LogLine } from './support/cli-process.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

const SETTINGS = { h2c: true, host: ['tunnel.test'], path: '/tun', readIdleTimeoutMs: 0 } as const;

// `--workers`: correctness on these two cores (issue 7 measured that it is not faster here).
describe('h2tunnel server --workers', function () {
  this.timeout(60_000);
  let echo: EchoTarget;
  let server: CliProcess | undefined;
  let address: string;
  const managers: SessionManager[] = [];

  before(async () => (echo = await startEchoTarget()));
  after(() => echo?.close());
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((manager) => manager.close()));
    await server?.kill();
    server = undefined;
  });

  const start = async (...extra: string[]) => {
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    server = startCli([
      'server',
      '--listen',
      address,
      '--forward',
      `127.0.0.1:${echo.port}`,
      '--h2c',
      '--host',
      'tunnel.test',
      '--path',
      '/tun',
      '--workers',
      '2',
      ...extra,
    ]);
    await server.waitFor((line) => line.msg === 'workers serving', 'both workers serving', 30_000);
    return server;
  };
  /** A tunnel on a session of its own (a manager of its own): the primary hands each new connection to the next worker. */
  const tunnel = async (): Promise<Connection> => {
    const manager = new SessionManager();
    managers.push(manager);
    return openTunnel(address, SETTINGS, { manager });
  };
  const sessionPids = (process: CliProcess) => process.lines.filter((line: LogLine) => line.msg === 'session opened').map((line) => Number(line.pid));

  it('spreads sessions over both workers, carries every byte, and --metrics reports their sum', async () => {
    const primary = await start('--metrics', '127.0.0.1:0');
    for (let i = 0; i < 6; i++) {
      const connection = await tunnel();
      const trip = await echoRoundTrip(connection.toDuplex(), 128 * 1024);
      assert.equal(trip.receivedSha256, trip.sentSha256);
    }
    const pids = new Set(sessionPids(primary));
    assert.equal(pids.size, 2, `sessions by worker pid: ${sessionPids(primary).join(', ')}`);
    const metricsAt = primary.lines.find((line) => line.msg === 'metrics listening')?.address;
    const text = await (await fetch(`http://${String(metricsAt)}/metrics`)).text();
    assert.match(text, /h2tunnel_tunnel_opens_total\{role="server",result="ok"\} 6\b/);
    assert.match(text, /h2tunnel_sessions_opened_total\{role="server"\} 6\b/);
  });

  it('a killed worker loses only its own tunnels and is replaced', async () => {
    const primary = await start();
    const first = await tunnel();
    // Open and in use, not ended: the worker dies under it.
    const echoed = firstValueFrom(first.output);
    await first.write(Buffer.from('ping'));
    assert.equal((await echoed).toString(), 'ping');
    const second = await tunnel();
    const [firstPid, secondPid] = sessionPids(primary);
    assert.ok(firstPid !== undefined && secondPid !== undefined && firstPid !== secondPid, `pids ${sessionPids(primary).join(', ')}`);
    process.kill(firstPid, 'SIGKILL');
    assert.ok(E.isLeft(await first.done), 'the tunnel of the killed worker ends with an error, never as complete');
    await primary.waitFor((line) => line.msg === 'worker exited; starting another' && line.worker === firstPid, 'the exit logged');
    await primary.waitFor((line) => line.msg === 'worker replaced', 'a replacement serving');
    const trip = await echoRoundTrip(second.toDuplex(), 256 * 1024);
    assert.equal(trip.receivedSha256, trip.sentSha256, 'the other worker kept its tunnel');
    const fresh = await tunnel();
    const again = await echoRoundTrip(fresh.toDuplex(), 64 * 1024);
    assert.equal(again.receivedSha256, again.sentSha256);
  });

  it('SIGTERM to the primary drains every worker: open tunnels on both finish, then exit 0', async () => {
    const primary = await start('--drain-timeout', '10');
    const open = [await tunnel(), await tunnel()];
    assert.equal(new Set(sessionPids(primary)).size, 2);
    const duplexes = open.map((connection) => connection.toDuplex());
    // Both transfers are in flight when the signal arrives.
    const trips = duplexes.map((duplex) => echoRoundTrip(duplex, 2 * 1024 * 1024));
    primary.child.kill('SIGTERM');
    await primary.waitFor((line) => line.msg === 'shutting down: every worker drains', 'the drain');
    for (const trip of await Promise.all(trips)) assert.equal(trip.receivedSha256, trip.sentSha256);
    assert.equal(await primary.exited, 0, primary.stderr());
    assert.equal(primary.lines.filter((line) => line.msg === 'stopped').length, 3, 'two workers and the primary stopped');
  });
});
