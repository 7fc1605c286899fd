import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import { xhttpRequest } from './support/raw-xhttp.js';

// A browser's preflight, as Xray's server answers it: the request's own Origin, method and headers come
// back as allowed, over HTTP/2 and over HTTP/1.1 alike.
describe('XHTTP server: CORS preflight over HTTP/2 and HTTP/1.1', function () {
  this.timeout(10_000);
  let server: TunnelServer;
  const asked = { origin: 'https://page.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-a' };

  before(async () => {
    server = await listen({ listen: '127.0.0.1:0', h2c: true, host: ['tunnel.test'], path: '/tun/', xhttp: {} });
    server.connections.subscribe(() => undefined);
  });
  after(() => server.close());
  const port = () => (server.address as AddressInfo).port;

  it('HTTP/2: answers 200 allowing the asked origin, method and headers', async () => {
    const client = http2.connect(`http://127.0.0.1:${port()}`);
    try {
      const answer = await xhttpRequest(client, 'OPTIONS', '/tun/', undefined, asked);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['access-control-allow-origin'], 'https://page.test');
      assert.equal(answer.headers['access-control-allow-methods'], 'POST');
      assert.equal(answer.headers['access-control-allow-headers'], 'content-type, x-a');
    } finally {
      client.destroy();
    }
  });

  it('HTTP/1.1: the same answer', async () => {
    const { status, headers } = await new Promise<{ status: number | undefined; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: port(), method: 'OPTIONS', path: '/tun/', headers: { host: 'tunnel.test', ...asked }, agent: false },
        (response) => {
          response.resume();
          resolve({ status: response.statusCode, headers: response.headers });
        },
      );
      request.on('error', reject);
      request.end();
    });
    assert.equal(status, 200);
    assert.equal(headers['access-control-allow-origin'], 'https://page.test');
    assert.equal(headers['access-control-allow-methods'], 'POST');
    assert.equal(headers['access-control-allow-headers'], 'content-type, x-a');
  });
});
