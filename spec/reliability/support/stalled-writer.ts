// Run as a child process: a tunnel whose far end never reads, and a writer pushing at full speed.
// Prints one JSON line: bytes the writer got accepted, whether it ended stalled, and RSS figures.
import type { AddressInfo } from 'node:net';
import { startDelayLink } from '../../../bench/link/delay-link.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import type { Connection } from '../../../src/connection/connection.js';
import { listen } from '../../../src/server/listen.js';
import { selfSignedCertificate } from '../../../src/tls/self-signed.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';

const direction = process.argv[2] === 'down' ? 'down' : 'up';
// With a round-trip time, through the emulated link: where the receive windows grow.
const rttMs = Number(process.argv[3] ?? 0);
const pair = await selfSignedCertificate(['tunnel.test']);
const server = await listen({ listen: '127.0.0.1:0', tls: pair, host: ['tunnel.test'] });
const serverSide = new Promise<Connection>((resolve) => server.connections.subscribe(resolve));
const manager = new SessionManager();
const settings = { host: ['tunnel.test'], tls: { serverName: 'tunnel.test', ca: pair.cert } };
const serverPort = (server.address as AddressInfo).port;
const port = rttMs > 0 ? (await startDelayLink(serverPort, { delayMs: rttMs / 2 })).port : serverPort;
const client = await openTunnel(`127.0.0.1:${port}`, settings, { manager });
// Up: the client writes, the server application never reads. Down: the reverse.
const writer = direction === 'up' ? client : await serverSide;

const chunk = Buffer.alloc(64 * 1024, 7);
global.gc?.();
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
let accepted = 0;
let stalled = false;
const deadline = Date.now() + 3_000;
while (Date.now() < deadline) {
  const write = writer.write(chunk).then(() => true);
  const result = await Promise.race([write, new Promise<false>((resolve) => setTimeout(() => resolve(false), 1_000))]);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  if (!result) {
    stalled = true;
    break;
  }
  accepted += chunk.length;
}
process.stdout.write(JSON.stringify({ direction, accepted, stalled, rssBefore, rssPeak }) + '\n');
process.exit(0);
