import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { lastValueFrom, reduce } from 'rxjs';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';

const CHUNK = 16 * 1024;
const CHUNKS = 25;
const EVERY_MS = 100;

// Packet-up cannot tell the server that the upload ended, so the client closes the tunnel itself once its
// upload is over and the download has gone quiet, as Xray's client does (policy downlinkOnly, 1 s without a
// downloaded byte). A reply still coming then must arrive whole: a client that closed 1 s after its upload
// whatever came cut such a reply off, and its user saw a clean end with bytes missing.
describe('XHTTP packet-up client: a reply that goes on after the upload ended', function () {
  this.timeout(30_000);
  let server: TunnelServer;
  const manager = new SessionManager();
  const timers = new Set<NodeJS.Timeout>();

  before(async () => {
    server = await listen({ listen: '127.0.0.1:0', h2c: true, host: ['tunnel.test'], path: '/tun/', xhttp: {} });
    // Answers the request with a reply written a chunk at a time, each well within the quiet time.
    server.connections.subscribe((connection) => {
      connection.output.subscribe({ error: () => undefined });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent === CHUNKS || connection.closed) return void clearInterval(timer);
        connection.push(Buffer.alloc(CHUNK, sent++));
      }, EVERY_MS);
      timers.add(timer);
    });
  });
  after(async () => {
    for (const timer of timers) clearInterval(timer);
    await manager.close();
    await server.close();
  });

  for (const wire of ['h2c', 'cleartext HTTP/1.1'] as const) {
    it(`over ${wire}: every byte of a ${(CHUNKS * EVERY_MS) / 1000} s reply arrives, then the tunnel ends cleanly`, async () => {
      const destination = `127.0.0.1:${(server.address as AddressInfo).port}`;
      const settings = { host: ['tunnel.test'], path: '/tun/', xhttp: { mode: 'packet-up' as const }, ...(wire === 'h2c' ? { h2c: true } : {}) };
      const connection = await openTunnel(destination, settings, { manager });
      const received = lastValueFrom(connection.output.pipe(reduce((total, chunk) => total + chunk.length, 0)));
      await connection.write(Buffer.from('request'));
      await connection.end();
      assert.equal(await received, CHUNK * CHUNKS);
      assert.deepEqual(await connection.done, E.right(undefined));
    });
  }
});
