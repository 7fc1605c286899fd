import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import { isUnexpectedStatus } from '../../../src/errors/error-guards.js';
import { eventually } from '../../helpers/eventually.js';
import { startOurServer, type OurServer } from '../../reliability/support/our-server.js';
import { readBytes, referer, xhttpRequest } from './support/raw-xhttp.js';

// `maxTunnels` is the server's capacity in tunnels, whatever their wire shape: an XHTTP tunnel holds a
// forward connection as a v2ray PUT does, and a download's packets are requests of one tunnel, not tunnels.
describe('listen(): maxTunnels counts XHTTP tunnels as tunnels', function () {
  this.timeout(20_000);
  let ours: OurServer;
  let h2: http2.ClientHttp2Session;
  const manager = new SessionManager();
  const v2raySettings = { h2c: true, host: ['tunnel.test'], path: '/v2/' } as const;

  const start = async (maxTunnels: number) => {
    ours = await startOurServer({ h2c: true, path: '/v2/', xhttp: { path: '/x/' }, maxTunnels });
    h2 = http2.connect(`http://127.0.0.1:${ours.port}`);
    h2.on('error', () => undefined);
  };
  afterEach(async () => {
    h2.destroy();
    await manager.close();
    await ours.close();
  });

  it('refuses an XHTTP stream-one tunnel past the cap with 503, counting a v2ray tunnel beside it', async () => {
    await start(2);
    const v2ray = await openTunnel(ours.address, v2raySettings, { manager });
    const one = await xhttpRequest(h2, 'POST', '/x/');
    assert.equal(one.status, 200);
    await eventually(() => ours.accepted.length === 2, 'both tunnels to reach the application', 2_000);
    const past = await xhttpRequest(h2, 'POST', '/x/');
    assert.equal(past.status, 503);
    const pastV2ray = await openTunnel(ours.address, v2raySettings, { manager }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(isUnexpectedStatus(pastV2ray) && pastV2ray.status === 503, String(pastV2ray));
    assert.equal(ours.accepted.length, 2);
    assert.equal(ours.server.stats().tunnels, 2);
    assert.ok(ours.events.some((e) => e.type === 'rejected' && e.status === 503 && e.reason === 'server-full' && e.path === '/x/'));
    v2ray.close();
    one.stream.close();
    await eventually(() => ours.server.stats().tunnels === 0, 'the tunnels to close', 2_000);
    const again = await xhttpRequest(h2, 'POST', '/x/');
    assert.equal(again.status, 200);
  });

  it('refuses an XHTTP tunnel over HTTP/1.1 past the cap', async () => {
    await start(1);
    const one = await xhttpRequest(h2, 'POST', '/x/');
    assert.equal(one.status, 200);
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request({
        host: '127.0.0.1',
        port: ours.port,
        method: 'POST',
        path: '/x/',
        headers: { host: 'tunnel.test', referer: referer(150, '/x/') },
      });
      request.on('response', (response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    assert.equal(status, 503);
    assert.equal(ours.accepted.length, 1);
  });

  it("counts a packet-up tunnel once: its packets are not refused at the cap, a second session's download is", async () => {
    await start(1);
    const download = await xhttpRequest(h2, 'GET', '/x/s1');
    assert.equal(download.status, 200);
    for (let seq = 0; seq < 3; seq++) assert.equal((await xhttpRequest(h2, 'POST', `/x/s1/${seq}`, Buffer.from(`p${seq}`))).status, 200);
    assert.equal((await readBytes(download.stream, 6)).toString(), 'p0p1p2');
    assert.equal(ours.server.stats().tunnels, 1);
    const other = await xhttpRequest(h2, 'GET', '/x/s2');
    assert.equal(other.status, 503);
    assert.equal(ours.accepted.length, 1);
  });
});
