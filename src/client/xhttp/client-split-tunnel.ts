import type { Http2Session } from 'node:http2';
import { Duplex, type Readable } from 'node:stream';
import { watchPeerEnd } from '../../connection/peer-end.js';
import { sessionClosed, type TransportError } from '../../errors/transport-error.js';
import type { ClientUpload } from './client-upload.js';

/** The download half of a client's split tunnel: the GET's (or stream-one's) response. */
export interface ClientDownload {
  /**
   * The response's body once its 200 came (already there when the dial waited for it); rejects with the
   * typed reason it never will: a refusal, no answer in time, the request cut off.
   */
  readonly answer: Promise<Readable>;
  readonly session: Http2Session | undefined;
  cancel(): void;
}

/** How the tunnel ends once its upload ended. */
export interface SplitTunnelOptions {
  /**
   * Packet-up has no end-of-upload signal: after the upload ended, the client closes the tunnel once the
   * download brought nothing for this long (Xray's client: 1 s, its policy downlinkOnly). Undefined: the
   * upload's end reaches the server (stream-up), and the download ends when the server ends it.
   */
  readonly lingerMs: number | undefined;
}

/** Where the download stands. */
type DownloadState =
  /** The request is out, its 200 has not come: the tunnel already uploads (packet-up, as Xray's client). */
  | { readonly kind: 'awaiting-answer' }
  /** Its body is the tunnel's readable side. */
  | { readonly kind: 'flowing'; readonly body: Readable }
  /** Over: the server ended it (END_STREAM, a complete HTTP/1.1 body), or the client did after the linger. */
  | { readonly kind: 'ended' };

/**
 * A client's XHTTP tunnel carried by several requests (stream-up, packet-up; stream-one over HTTP/1.1),
 * as one {@link TunnelStream}: reads are the download, writes go up.
 *
 * The readable side ends when the server ends the download with END_STREAM (or a complete HTTP/1.1
 * body), which also ends the tunnel for the server: writes after it fail. A download refused, never
 * answered or cut off (reset, connection lost) destroys the tunnel with the reason. For packet-up,
 * once the upload ended the tunnel closes after `lingerMs` without a downloaded byte: the readable side
 * then ends there, by the client's choice, as a local close.
 *
 * @example
 * ```ts
 * const tunnel = new ClientSplitTunnel(download, new PacketSender(post, limits), { lingerMs: 1_000 });
 * new Connection(tunnel, info, address);
 * ```
 */
export class ClientSplitTunnel extends Duplex {
  readonly session: Http2Session | undefined;
  readonly rstCode: number | undefined = undefined;
  private state: DownloadState = { kind: 'awaiting-answer' };
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly download: ClientDownload,
    private readonly upload: ClientUpload,
    private readonly options: SplitTunnelOptions,
  ) {
    super({ allowHalfOpen: true });
    this.session = download.session;
    download.answer.then(
      (body) => this.flow(body),
      (reason: TransportError) => this.state.kind === 'awaiting-answer' && this.fail(reason),
    );
  }

  /** Fails the tunnel from outside: an upload answered with an error status. */
  fail(reason: TransportError): void {
    if (!this.destroyed) this.destroy(reason);
  }

  override _read(): void {
    if (this.state.kind === 'flowing') this.state.body.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.state.kind === 'ended') return callback(sessionClosed('the server ended the tunnel'));
    this.upload.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.state.kind === 'ended') return callback();
    this.upload.end((error) => {
      callback(error);
      if (error === undefined || error === null) this.linger();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.lingerTimer);
    this.upload.abort();
    if (this.state.kind !== 'ended') this.download.cancel();
    callback(error);
  }

  private flow(body: Readable): void {
    if (this.state.kind !== 'awaiting-answer' || this.destroyed) return void body.destroy();
    this.state = { kind: 'flowing', body };
    // An HTTP/2 download reset by the server must not end like a finished one.
    if ('rstCode' in body) watchPeerEnd(body as unknown as Parameters<typeof watchPeerEnd>[0], () => sessionClosed('the download was cut off'));
    body.on('data', (chunk: Buffer) => {
      // A reply still coming keeps the tunnel open: closing at a fixed time cut it off.
      this.lingerTimer?.refresh();
      if (!this.push(chunk)) body.pause();
    });
    body.once('end', () => {
      this.state = { kind: 'ended' };
      this.push(null);
    });
    // After the linger the client cancelled the download itself: its abort is no failure.
    body.once('error', (error) => this.state.kind === 'ended' || this.destroy(error));
    body.once('close', () => {
      if (this.state.kind !== 'ended' && !this.destroyed) this.destroy(sessionClosed('the download closed before its end'));
    });
  }

  private linger(): void {
    const ms = this.options.lingerMs;
    if (ms === undefined || this.state.kind === 'ended' || this.destroyed) return;
    this.lingerTimer = setTimeout(() => {
      if (this.state.kind === 'ended' || this.destroyed) return;
      const state = this.state;
      // Held back by our own reader, not quiet: the server may have more to send.
      if (state.kind === 'flowing' && state.body.isPaused()) return void this.lingerTimer?.refresh();
      this.state = { kind: 'ended' };
      if (state.kind === 'flowing') state.body.removeAllListeners('data');
      this.download.cancel();
      this.push(null);
    }, ms);
  }
}
