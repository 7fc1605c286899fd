import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { sendThenReset } from '../helpers/reset-behind-data.js';
import { useCliFixture } from './support/cli-fixture.js';
import { driveEnd } from './support/stuck-end.js';

// libuv reports a reset that arrives in the same wake-up as the data before it as an end of data
// (POLLHUP after a partial read). Taken at face value, a crashed application's last bytes reach the
// target as a complete transfer. Repeated, because the two arrive together only most of the time.
const SIZES = [1_000, 30_720];
const RUNS = 8;
// How long a tunnel the application reset may take to reach the target, if it does at all.
const SETTLE_MS = 300;

/** Resolves once `done` holds or after `ms`, whichever is first. */
async function settled(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Connects to `port` and resolves once connected. */
async function open(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** A forward target that hands each connection to `onConnection` and records how each one ended. */
async function startTarget(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number; endings: Promise<string>[] }> {
  const endings: Promise<string>[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => undefined);
    endings.push(
      driveEnd(socket, 'idle')
        .watch()
        .then((ending) => ending.how),
    );
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, endings };
}

describe('CLI: data followed by a reset is relayed as a reset, never as a clean end', function () {
  this.timeout(60_000);
  const fx = useCliFixture('cli-rst-behind-');
  let target: Awaited<ReturnType<typeof startTarget>> | undefined;
  afterEach(() => target?.server.close());

  it("a Node peer sees the helper's reset as a reset when no data comes before it (the RST is real)", async () => {
    const accepted = new Promise<Socket>((resolve) => {
      const server = createServer((socket) => {
        server.close();
        resolve(socket);
      }).listen(0, '127.0.0.1', () => void open((server.address() as AddressInfo).port).then((socket) => sendThenReset(socket, 0)));
    });
    assert.equal((await driveEnd(await accepted, 'idle').watch()).how, 'reset');
  });

  for (const phase of ['before the 200 (0-RTT)', 'after the tunnel is open'] as const) {
    it(`an application that resets behind its data ${phase}: the target sees a reset or nothing, ${RUNS} runs of each size`, async () => {
      // The target greets; once that byte is back at the application the tunnel is bridged at both ends.
      target = await startTarget((socket) => socket.write('g'));
      const client = await fx.tlsClient((await fx.tlsServer(target.port)).port);
      for (const size of SIZES)
        for (let run = 0; run < RUNS; run++) {
          const before = target.endings.length;
          const app = await open(client.port);
          if (phase === 'after the tunnel is open') await once(app, 'data');
          await sendThenReset(app, size);
          // A tunnel reset before the server handed it over never reaches the target: as honest as a reset.
          await settled(() => target?.endings.length !== before, SETTLE_MS);
          await target.endings.at(-1);
        }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const seen = await Promise.all(target.endings);
      if (phase === 'after the tunnel is open') assert.equal(seen.length, SIZES.length * RUNS);
      assert.deepEqual(
        seen.filter((how) => how !== 'reset'),
        [],
        `the target saw: ${seen.join(' ')}`,
      );
    });
  }

  it(`a target that resets behind its data: the application sees a reset, ${RUNS} runs of each size`, async () => {
    let size = 0;
    target = await startTarget((socket) => void sendThenReset(socket, size));
    const client = await fx.tlsClient((await fx.tlsServer(target.port)).port);
    const seen: string[] = [];
    for (const bytes of SIZES)
      for (let run = 0; run < RUNS; run++) {
        size = bytes;
        seen.push(`${bytes}:${(await driveEnd(await open(client.port), 'idle').watch()).how}`);
      }
    assert.deepEqual(
      seen.filter((how) => !how.endsWith(':reset')),
      [],
      `the application saw: ${seen.join(' ')}`,
    );
  });
});
