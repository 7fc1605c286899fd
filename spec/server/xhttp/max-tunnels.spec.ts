import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import type { Connection } from '../../../src/connection/connection.js';
import { isUnexpectedStatus } from '../../../src/errors/error-guards.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { ServerEvent } from '../../../src/server/server-events.js';
import { eventually } from '../../helpers/eventually.js';
import { readBytes, referer, xhttpRequest } from './support/raw-xhttp.js';

// `maxTunnels` is the server's capacity in tunnels, whatever their wire shape: an XHTTP tunnel holds a
// forward connection as a v2ray PUT does, and a download's packets are requests of one tunnel, not tunnels.
describe('listen(): maxTunnels counts XHTTP tunnels as tunnels', function () {
  this.timeout(20_000);
  let server: TunnelServer;
  let port: number;
  let accepted: Connection[];
  let events: ServerEvent[];
  let h2: http2.ClientHttp2Session;
  const manager = new SessionManager();

  const start = async (maxTunnels: number) => {
    server = await listen({ listen: '127.0.0.1:0', h2c: true, path: '/v2/', xhttp: { path: '/x/' }, maxTunnels });
    accepted = [];
    events = [];
    server.events.subscribe((event) => events.push(event));
    server.connections.subscribe((connection) => {
      accepted.push(connection);
      const duplex = connection.toDuplex();
      duplex.on('error', () => undefined);
      duplex.pipe(duplex);
    });
    port = (server.address as AddressInfo).port;
    h2 = http2.connect(`http://127.0.0.1:${port}`);
    h2.on('error', () => undefined);
  };
  afterEach(async () => {
    h2.destroy();
    await manager.close();
    await server.close();
  });

  it('refuses an XHTTP stream-one tunnel past the cap with 503, counting a v2ray tunnel beside it', async () => {
    await start(2);
    const v2ray = await openTunnel(`127.0.0.1:${port}`, { h2c: true, path: '/v2/' }, { manager });
    const one = await xhttpRequest(h2, 'POST', '/x/');
    assert.equal(one.status, 200);
    await eventually(() => accepted.length === 2, 'both tunnels to reach the application', 2_000);
    const past = await xhttpRequest(h2, 'POST', '/x/');
    assert.equal(past.status, 503);
    const pastV2ray = await openTunnel(`127.0.0.1:${port}`, { h2c: true, path: '/v2/' }, { manager }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(isUnexpectedStatus(pastV2ray) && pastV2ray.status === 503, String(pastV2ray));
    assert.equal(accepted.length, 2);
    assert.equal(server.stats().tunnels, 2);
    assert.ok(events.some((e) => e.type === 'rejected' && e.status === 503 && e.reason === 'server-full' && e.path === '/x/'));
    v2ray.close();
    one.stream.close();
    await eventually(() => server.stats().tunnels === 0, 'the tunnels to close', 2_000);
    const again = await xhttpRequest(h2, 'POST', '/x/');
    assert.equal(again.status, 200);
  });

  it('refuses an XHTTP tunnel over HTTP/1.1 past the cap', async () => {
    await start(1);
    const one = await xhttpRequest(h2, 'POST', '/x/');
    assert.equal(one.status, 200);
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/x/', headers: { host: 'tunnel.test', referer: referer(150, '/x/') } });
      request.on('response', (response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    assert.equal(status, 503);
    assert.equal(accepted.length, 1);
  });

  it("counts a packet-up tunnel once: its packets are not refused at the cap, a second session's download is", async () => {
    await start(1);
    const download = await xhttpRequest(h2, 'GET', '/x/s1');
    assert.equal(download.status, 200);
    for (let seq = 0; seq < 3; seq++) assert.equal((await xhttpRequest(h2, 'POST', `/x/s1/${seq}`, Buffer.from(`p${seq}`))).status, 200);
    assert.equal((await readBytes(download.stream, 6)).toString(), 'p0p1p2');
    assert.equal(server.stats().tunnels, 1);
    const other = await xhttpRequest(h2, 'GET', '/x/s2');
    assert.equal(other.status, 503);
    assert.equal(accepted.length, 1);
  });
});
