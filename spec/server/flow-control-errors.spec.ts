import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import * as net from 'node:net';
import { managerPerTest } from '../reliability/support/manager-per-test.js';
import { startOurServer, type OurServer } from '../reliability/support/our-server.js';
import { openTunnel, roundTrip } from '../reliability/support/tunnels.js';
import { eventually } from '../helpers/eventually.js';

// RFC 9113 calls a zero WINDOW_UPDATE increment, or a window pushed past 2^31-1, on one stream a stream
// error; nghttp2 makes it a connection error (Node emits a session error and destroys the session with
// GOAWAY(INTERNAL_ERROR)), which §5.4.1 allows ("an endpoint MAY choose to treat a stream error as a
// connection error"). Kept: a session belongs to one peer (flow control is hop by hop, so
// behind a proxy a client's frame never reaches us), no correct peer sends either, and Node has no hook to
// answer otherwise short of parsing every frame in JavaScript. These pin that only the offender suffers.

const frame = (type: number, flags: number, stream: number, payload: Buffer) => {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
};
const literal = (nameIndex: number, value: string) => Buffer.concat([Buffer.from([nameIndex, value.length]), Buffer.from(value, 'latin1')]);
const TUNNEL = Buffer.concat([literal(2, 'PUT'), Buffer.from([0x86]), literal(4, '/tun'), literal(1, 'tunnel.test')]);
const u32 = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
};

/** A raw h2c client that opens tunnel stream 1, then sends `offence`; resolves with the GOAWAY code it got. */
async function offend(port: number, offence: Buffer): Promise<number | undefined> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  let goaway: number | undefined;
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9 && pending.length >= 9 + pending.readUIntBE(0, 3)) {
      if (pending[3] === 7) goaway ??= pending.readUInt32BE(13);
      pending = pending.subarray(9 + pending.readUIntBE(0, 3));
    }
  });
  await once(socket, 'connect');
  socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), frame(4, 0, 0, Buffer.alloc(0)), frame(1, 0x4, 1, TUNNEL)]));
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.write(offence);
  await once(socket, 'close');
  return goaway;
}

describe('server: flow-control errors on one stream', function () {
  this.timeout(15_000);
  let ours: OurServer;
  const client = managerPerTest(() => ours.close());

  for (const [name, offence, reason] of [
    ['a zero WINDOW_UPDATE increment', frame(8, 0, 1, u32(0)), 'Protocol error'],
    ['a stream window pushed past 2^31-1', frame(8, 0, 1, u32(2 ** 31 - 1)), 'Flow control error'],
  ] as const) {
    it(`${name} closes that session (${reason}); another client's session carries on`, async () => {
      ours = await startOurServer({ h2c: true });
      const bystander = await openTunnel(client.manager, ours.address, { host: ['tunnel.test'], path: '/tun', h2c: true });
      // Node turns nghttp2's connection error into a session error and destroys it: GOAWAY(INTERNAL_ERROR).
      assert.equal(await offend(ours.port, offence), 2);
      await eventually(() => ours.server.stats().sessions === 1, 'the offending session to be gone', 3_000);
      assert.ok(
        ours.events.some((e) => e.type === 'error' && e.error.message.includes(reason)),
        JSON.stringify(ours.events),
      );
      assert.equal((await roundTrip(bystander, Buffer.from('unharmed'))).toString(), 'unharmed');
    });
  }
});
