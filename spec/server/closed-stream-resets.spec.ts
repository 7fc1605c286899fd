import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import * as net from 'node:net';
import { startOurServer, type OurServer } from '../reliability/support/our-server.js';
import { eventually } from '../helpers/eventually.js';

// RST_STREAM on a stream that is already closed never reaches JavaScript, so the reset budget cannot
// count it. nghttp2 counts it (1,000, then 33/s), sends GOAWAY(INTERNAL_ERROR) and wants no more input:
// Node stops reading the socket and the session lingers, silent, until something probes it.
const HEALTH_CHECK_TIMEOUT_S = 1;

const frame = (type: number, flags: number, stream: number, payload: Buffer) => {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
};
const literal = (nameIndex: number, value: string) => Buffer.concat([Buffer.from([nameIndex, value.length]), Buffer.from(value, 'latin1')]);
// PUT http://tunnel.test/nope with END_STREAM: answered 404 and closed at once.
const REJECTED = Buffer.concat([literal(2, 'PUT'), Buffer.from([0x86]), literal(4, '/nope'), literal(1, 'tunnel.test')]);
const CANCEL = Buffer.from([0, 0, 0, 8]);

describe('server: RST_STREAM floods on closed streams', function () {
  this.timeout(20_000);
  let ours: OurServer | undefined;
  afterEach(() => ours?.close());

  it('the session nghttp2 gave up on is closed within the health-check timeout, not left open', async () => {
    ours = await startOurServer({ h2c: true, healthCheckTimeoutMs: HEALTH_CHECK_TIMEOUT_S * 1000 });
    const socket = net.connect(ours.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.resume();
    await once(socket, 'connect');
    socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), frame(4, 0, 0, Buffer.alloc(0)), frame(1, 0x5, 1, REJECTED)]));
    await eventually(() => ours?.events.some((e) => e.type === 'rejected') === true, 'the 404', 2_000);
    const flooded = performance.now();
    socket.write(Buffer.concat(Array.from({ length: 2_000 }, () => frame(3, 0, 1, CANCEL))));
    await once(socket, 'close');
    const ms = performance.now() - flooded;
    // The server's own read-idle PING (30 s) would find it too, far later.
    assert.ok(ms < HEALTH_CHECK_TIMEOUT_S * 1000 + 2_500, `closed after ${ms.toFixed(0)} ms`);
    await eventually(() => ours?.server.stats().sessions === 0, 'the server to forget the session', 2_000);
  });
});
