import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { dial } from '../../../src/client/dial.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import { echoRoundTrip } from '../../interop/round-trip.js';
import { readBytes, referer, xhttpRequest } from './support/raw-xhttp.js';

// One listener, two wire shapes: v2ray's PUT on its path, XHTTP on its own, told apart by path.
describe('listen(): v2ray PUT and XHTTP on one port', function () {
  this.timeout(20_000);
  let server: TunnelServer;
  let port: number;
  const manager = new SessionManager();

  before(async () => {
    server = await listen({ listen: '127.0.0.1:0', h2c: true, path: '/v2/', xhttp: { path: '/x/' } });
    server.connections.subscribe((connection) => {
      const duplex = connection.toDuplex();
      duplex.on('error', () => undefined);
      duplex.pipe(duplex);
    });
    port = (server.address as AddressInfo).port;
  });
  after(async () => {
    await manager.close();
    await server.close();
  });

  it("carries a v2ray PUT tunnel on the listener's path", async () => {
    const connection = await firstValueFrom(dial(`127.0.0.1:${port}`, { h2c: true, path: '/v2/' }, { manager }));
    const trip = await echoRoundTrip(connection.toDuplex(), 256 * 1024);
    assert.equal(trip.receivedSha256, trip.sentSha256);
  });

  it('carries an XHTTP stream-one tunnel on its own path, over HTTP/2 and HTTP/1.1', async () => {
    const client = http2.connect(`http://127.0.0.1:${port}`);
    client.on('error', () => undefined);
    try {
      const answer = await xhttpRequest(client, 'POST', '/x/');
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-type'], 'text/event-stream');
      answer.stream.write('over h2');
      assert.equal((await readBytes(answer.stream, 7)).toString(), 'over h2');
    } finally {
      client.destroy();
    }
    const echoed = await new Promise<string>((resolve, reject) => {
      const request = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/x/',
        headers: { host: 'tunnel.test', referer: referer(150, '/x/'), connection: 'close' },
      });
      request.on('response', (response) => {
        response.once('data', (chunk: Buffer) => {
          resolve(chunk.toString());
          request.destroy();
        });
      });
      request.on('error', reject);
      request.flushHeaders();
      request.write('over http/1.1');
    });
    assert.equal(echoed, 'over http/1.1');
  });

  it("leaves every other path to v2ray's hub, which speaks HTTP/2 only", async () => {
    const client = http2.connect(`http://127.0.0.1:${port}`);
    client.on('error', () => undefined);
    try {
      const packet = await xhttpRequest(client, 'POST', '/elsewhere/s/0', Buffer.from('x'));
      assert.equal(packet.status, 404);
    } finally {
      client.close();
    }
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/v2/', headers: { host: 'tunnel.test' } }, (response) => resolve(response.statusCode ?? 0))
        .on('error', reject);
    });
    assert.equal(status, 404);
  });
});
