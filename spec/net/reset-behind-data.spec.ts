import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { revealResetBehindData } from '../../src/net/reset-behind-data.js';
import { sendThenReset } from '../helpers/reset-behind-data.js';

const RUNS = 8;

/** How the accepted side, with the check installed, saw its peer go: 'end' or the error code. */
function ending(socket: Socket): Promise<string> {
  revealResetBehindData(socket);
  socket.resume();
  return new Promise((resolve) => {
    socket.once('end', () => resolve('end'));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(String(error.code)));
  });
}

describe('net: a reset right behind data is reported as a reset', function () {
  this.timeout(20_000);
  let server: Server;
  let accepted: ((socket: Socket) => void)[] = [];
  before(async () => {
    server = createServer({ allowHalfOpen: true }, (socket) => accepted.shift()?.(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(() => server.close());
  afterEach(() => (accepted = []));

  /** A connected pair: the peer the test drives, and the accepted socket under test. */
  async function pair(): Promise<{ peer: Socket; socket: Socket }> {
    const socket = new Promise<Socket>((resolve) => accepted.push(resolve));
    const peer = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
    peer.on('error', () => undefined);
    await once(peer, 'connect');
    return { peer, socket: await socket };
  }

  for (const bytes of [1_000, 30_720]) {
    it(`${bytes} bytes then RST: ECONNRESET every time, not 'end' (${RUNS} runs)`, async () => {
      const seen: string[] = [];
      for (let run = 0; run < RUNS; run++) {
        const { peer, socket } = await pair();
        const how = ending(socket);
        await sendThenReset(peer, bytes);
        seen.push(await how);
      }
      assert.deepEqual(seen, Array<string>(RUNS).fill('ECONNRESET'));
    });

    it(`${bytes} bytes then FIN: 'end', and the peer receives nothing from the check`, async () => {
      const { peer, socket } = await pair();
      const how = ending(socket);
      const back: Buffer[] = [];
      peer.on('data', (chunk: Buffer) => back.push(chunk));
      peer.end(Buffer.alloc(bytes));
      assert.equal(await how, 'end');
      socket.end();
      await once(peer, 'end');
      assert.equal(Buffer.concat(back).length, 0);
    });

    it(`after our own FIN: ${bytes} bytes then RST is ECONNRESET, then FIN is 'end'`, async () => {
      for (const reset of [true, false]) {
        const { peer, socket } = await pair();
        socket.end();
        await once(peer, 'end');
        const how = ending(socket);
        if (reset) await sendThenReset(peer, bytes);
        else peer.end(Buffer.alloc(bytes));
        assert.equal(await how, reset ? 'ECONNRESET' : 'end');
      }
    });
  }

  // The check reads the probe's error for its code alone, so it builds that error without a stack: it
  // must leave Error.stackTraceLimit as it was, and still work where an application has frozen it.
  for (const frozen of [false, true]) {
    it(`after our own FIN, RST then FIN are told apart, Error.stackTraceLimit ${frozen ? 'frozen' : 'left as it was'}`, async () => {
      const original = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
      if (frozen) Object.defineProperty(Error, 'stackTraceLimit', { value: 7, writable: false, configurable: true });
      try {
        for (const reset of [true, false]) {
          const { peer, socket } = await pair();
          socket.end();
          await once(peer, 'end');
          const how = ending(socket);
          if (reset) await sendThenReset(peer, 1_000);
          else peer.end(Buffer.alloc(1_000));
          assert.equal(await how, reset ? 'ECONNRESET' : 'end');
        }
        assert.equal(Error.stackTraceLimit, frozen ? 7 : original?.value);
      } finally {
        if (original !== undefined) Object.defineProperty(Error, 'stackTraceLimit', original);
      }
    });
  }
});
