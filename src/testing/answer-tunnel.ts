import { constants, type ServerHttp2Stream } from 'node:http2';
import type { FaultServerOptions } from './fault-options.js';
import { resetStream } from './reset-stream.js';

/**
 * Answers one tunnel stream as {@link FaultServerOptions} say: the `failFirst` statuses, the chosen
 * status after `responseDelayMs`, then echo / discard / stall the body, resetting after
 * `resetAfterBytes` (or ending, then resetting, after `endThenResetAfterBytes`). `ordinal` is the stream's 1-based number over the server's life.
 *
 * @example
 * ```ts
 * server.on('stream', (stream) => answerTunnel(stream, ++count, { status: 403 }));
 * ```
 */
export function answerTunnel(stream: ServerHttp2Stream, ordinal: number, options: FaultServerOptions): void {
  stream.on('error', () => undefined);
  const failing = ordinal <= (options.failFirst ?? 0);
  const status = failing ? (options.failStatus ?? 503) : (options.status ?? 200);
  const answer = () => {
    if (stream.destroyed) return;
    if (status !== 200) return stream.respond({ ':status': status }, { endStream: true });
    stream.respond({ ':status': 200, 'cache-control': 'no-store' });
    handleBody(stream, options);
  };
  const delay = options.responseDelayMs ?? 0;
  if (delay <= 0) return answer();
  const timer = setTimeout(answer, delay);
  stream.once('close', () => clearTimeout(timer));
}

function handleBody(stream: ServerHttp2Stream, options: FaultServerOptions): void {
  const body = options.body ?? 'echo';
  if (body === 'stall') return;
  let received = 0;
  stream.on('data', (chunk: Buffer) => {
    received += chunk.length;
    const code = options.resetCode ?? constants.NGHTTP2_INTERNAL_ERROR;
    if (options.resetAfterBytes !== undefined && received >= options.resetAfterBytes) return resetStream(stream, code);
    // Node's close(code): an empty DATA with END_STREAM, then RST_STREAM.
    if (options.endThenResetAfterBytes !== undefined && received >= options.endThenResetAfterBytes) return void stream.close(code);
    if (body === 'echo' && !stream.write(chunk)) {
      stream.pause();
      stream.once('drain', () => stream.resume());
    }
  });
  stream.once('end', () => !stream.destroyed && stream.end());
}
