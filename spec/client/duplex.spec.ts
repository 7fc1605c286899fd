import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { randomPayload } from './support/bytes.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('Connection.toDuplex with stream.pipeline', function () {
  this.timeout(30_000);
  let peer: InProcessServer;
  let manager: SessionManager;

  before(async () => {
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
    manager = new SessionManager();
  });
  after(async () => {
    await manager.close();
    await peer.close();
  });

  it('pipes a source through the tunnel (echo) and back into a sink, bytes intact', async () => {
    const { data, digest } = randomPayload(2 * 1024 * 1024 + 17);
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    const hash = createHash('sha256');
    let bytes = 0;
    await pipeline(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), connection.toDuplex(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        hash.update(chunk);
        bytes += chunk.length;
      }
    });
    assert.deepEqual({ sha256: hash.digest('hex'), bytes }, digest);
    assert.equal((await connection.done)._tag, 'Right');
  });
});
