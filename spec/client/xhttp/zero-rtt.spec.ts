import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { firstValueFrom } from 'rxjs';
import { dial } from '../../../src/client/dial.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import type { Connection } from '../../../src/connection/connection.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import type { XhttpMode } from '../../../src/settings/xhttp-settings.js';
import { eventually } from '../../helpers/eventually.js';

/**
 * An XHTTP origin (h2c) that answers a tunnel only once the tunnel's first upload bytes came: a client
 * that waits for the answer before it uploads never gets one. It answers `status`, echoing on 200; for
 * stream-up the GET is answered once its POST brought bytes.
 */
interface AnswerAfterBytes {
  readonly port: number;
  status: number | 'never';
  /** Streams the server saw reset or closed by the client before their end. */
  readonly cancelled: string[];
  close(): Promise<void>;
}

async function answerAfterBytes(): Promise<AnswerAfterBytes> {
  const server = http2.createServer();
  const state = { status: 200 as number | 'never', cancelled: [] as string[] };
  const downloads = new Map<string, http2.ServerHttp2Stream>();
  const uploads = new Map<string, http2.ServerHttp2Stream>();
  const answer = (stream: http2.ServerHttp2Stream) => {
    if (state.status === 'never' || stream.headersSent || stream.destroyed) return;
    stream.respond({ ':status': state.status }, { endStream: state.status !== 200 });
  };
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const path = String(headers[':path']).split('?')[0] ?? '';
    stream.once('close', () => {
      if (stream.rstCode !== undefined && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) state.cancelled.push(`${String(headers[':method'])} ${path}`);
    });
    const session = /^\/tun\/([^/]+)$/.exec(path)?.[1];
    if (session === undefined) {
      // stream-one: POST /tun/, answered on its first bytes, echoed.
      stream.once('data', (chunk: Buffer) => {
        answer(stream);
        if (state.status !== 200) return;
        stream.write(chunk);
        stream.pipe(stream);
      });
      return;
    }
    if (headers[':method'] === 'GET') return void downloads.set(session, stream);
    uploads.set(session, stream);
    stream.once('data', (chunk: Buffer) => {
      const download = downloads.get(session);
      if (download === undefined) return;
      answer(download);
      answer(stream);
      if (state.status !== 200) return;
      download.write(chunk);
      stream.pipe(download);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const stream of [...downloads.values(), ...uploads.values()]) stream.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

// With `zeroRtt`, stream-one and stream-up hand the tunnel out once their requests are sent, and its first
// bytes go up at once, as Xray's client does: one round trip to the first echoed byte instead of two. The
// response deadline still holds, and a refusal fails the tunnel with its status.
describe('XHTTP client: zeroRtt in stream-one and stream-up', function () {
  this.timeout(15_000);
  let server: AnswerAfterBytes;
  const manager = new SessionManager();
  before(async () => (server = await answerAfterBytes()));
  after(async () => {
    await manager.close();
    await server.close();
  });
  beforeEach(() => {
    server.status = 200;
    server.cancelled.length = 0;
  });

  const settingsOf = (mode: XhttpMode, zeroRtt: boolean, responseTimeoutMs = 5_000): DialSettings => ({
    h2c: true,
    host: ['tunnel.test'],
    path: '/tun/',
    zeroRtt,
    responseTimeoutMs,
    xhttp: { mode },
  });
  const open = (mode: XhttpMode, zeroRtt: boolean, responseTimeoutMs?: number): Promise<Connection> =>
    openTunnel(`127.0.0.1:${server.port}`, settingsOf(mode, zeroRtt, responseTimeoutMs), { manager });

  for (const mode of ['stream-one', 'stream-up'] as const) {
    describe(mode, () => {
      it('hands the tunnel out before the answer, and its first bytes bring it', async () => {
        const connection = await open(mode, true);
        assert.equal(await Promise.race([connection.accepted, new Promise((resolve) => setTimeout(() => resolve('pending'), 100))]), 'pending');
        const echoed = firstValueFrom(connection.output);
        await connection.write(Buffer.from('hello'));
        assert.equal((await echoed).toString(), 'hello');
        assert.equal(await connection.accepted, true);
        connection.close();
      });

      it('without zeroRtt waits for the answer: here none comes before the deadline', async () => {
        await assert.rejects(open(mode, false, 300), (error: { _tag?: string }) => error._tag === 'Timeout');
      });

      it('a refusal after the hand-out fails the tunnel with its status', async () => {
        server.status = 404;
        const connection = await open(mode, true);
        await connection.write(Buffer.from('hello')).catch(() => undefined);
        const result = await connection.done;
        assert.ok(E.isLeft(result) && result.left._tag === 'UnexpectedStatus' && (result.left as { status?: number }).status === 404, JSON.stringify(result));
        assert.equal(await connection.accepted, false);
      });

      it('no answer within responseTimeoutMs fails the tunnel with Timeout, and cancels its requests', async () => {
        server.status = 'never';
        const connection = await open(mode, true, 300);
        await connection.write(Buffer.from('hello')).catch(() => undefined);
        const result = await connection.done;
        assert.ok(E.isLeft(result) && result.left._tag === 'Timeout', JSON.stringify(result));
        await eventually(() => server.cancelled.length === (mode === 'stream-one' ? 1 : 2), `the requests cancelled (${server.cancelled.join(', ')})`);
      });

      it('unsubscribing after the hand-out, before the answer, cancels its requests', async () => {
        server.status = 'never';
        const handedOut = new Promise<Connection>((resolve) => {
          const subscription = dial(`127.0.0.1:${server.port}`, settingsOf(mode, true), { manager }).subscribe((connection) => {
            resolve(connection);
            subscription.unsubscribe();
          });
        });
        const connection = await handedOut;
        assert.deepEqual(await connection.done, E.right(undefined));
        await eventually(() => server.cancelled.length === (mode === 'stream-one' ? 1 : 2), `the requests cancelled (${server.cancelled.join(', ')})`);
      });
    });
  }
});
