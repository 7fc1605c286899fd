import { strict as assert } from 'node:assert';
import * as E from 'fp-ts/lib/Either.js';
import { SessionManager, type SessionEvent } from '../../src/client/pool/session-manager.js';
import { requireBinary } from '../helpers/binaries.js';
import { writeCertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../helpers/echo-target.js';
import { tempDir } from '../helpers/process.js';
import { startV2rayServer, type V2rayInstance } from '../helpers/v2ray.js';
import { openTunnel, pattern, roundTrip } from './support/tunnels.js';

const TUNNELS = 1_000;

// Go's HTTP/2 server advertises SETTINGS_MAX_CONCURRENT_STREAMS 250: 1,000 tunnels open at once need
// at least 4 sessions, which the client must open by itself instead of failing or waiting forever.
describe('reliability: 1,000 parallel tunnels to a real v2ray 4.34 server (250 streams per session)', function () {
  this.timeout(120_000);
  let echo: EchoTarget | undefined;
  let v2ray: V2rayInstance | undefined;
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
  let manager: SessionManager | undefined;
  let cert: string;

  before(async function () {
    requireBinary(this, 'v2ray');
    echo = await startEchoTarget();
    dir = await tempDir('v2ray-limit-');
    const pair = await testCertificate();
    cert = pair.cert;
    const files = await writeCertificateFiles(dir.path, pair);
    v2ray = await startV2rayServer({ tls: files, host: ['tunnel.test'], path: '/tun', forwardPort: echo.port });
  });
  after(async () => {
    await manager?.close();
    await v2ray?.stop();
    await echo?.close();
    await dir?.remove();
  });

  it('opens them all at once on 4+ sessions and every byte comes back', async () => {
    manager = new SessionManager();
    const events: SessionEvent[] = [];
    manager.events.subscribe((event) => events.push(event));
    const settings = { host: ['tunnel.test'], path: '/tun', tls: { serverName: 'tunnel.test', ca: cert } };
    const address = `127.0.0.1:${v2ray!.port}`;
    const m = manager;
    const tunnels = await Promise.all(Array.from({ length: TUNNELS }, () => openTunnel(m, address, settings)));
    assert.equal(m.stats().tunnels, TUNNELS, 'all tunnels held open at once');
    const sessions = events.filter((e) => e.type === 'opened').length;
    assert.ok(sessions >= 4 && sessions <= 5, `${sessions} sessions for ${TUNNELS} tunnels`);
    const echoed = await Promise.all(tunnels.map((connection, i) => roundTrip(connection, pattern(2_048, i))));
    echoed.forEach((bytes, i) => assert.ok(bytes.equals(pattern(2_048, i)), `tunnel ${i}: ${bytes.length} of 2,048 bytes came back, or other bytes`));
    const results = await Promise.all(tunnels.map((connection) => connection.done));
    assert.equal(results.filter(E.isLeft).length, 0);
    console.log(`      ${TUNNELS} tunnels over ${sessions} sessions, ${echo!.accepted()} connections at the target`);
  });
});
