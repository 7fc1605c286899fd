import type { Http2Session } from 'node:http2';
import { Duplex } from 'node:stream';
import { sessionClosed, type TransportError } from '../../errors/transport-error.js';
import type { ExchangeEnd, XhttpExchange } from './exchange.js';

/** Where a split tunnel's upload comes from: a stream-up POST's body, or packet-up packets. */
export interface UploadFeed {
  /** The tunnel wants more bytes: push what there is, through {@link SplitTunnel.deliver}. */
  pull(): void;
  /** The download is over and the client is done: end the upload once what it sent has been delivered. */
  finish(): void;
  /** The tunnel is gone: let go of everything. */
  release(): void;
}

/**
 * One XHTTP tunnel carried by several requests (stream-up, packet-up, or stream-one over HTTP/1.1), as
 * one {@link TunnelStream}: reads are the upload, writes go to the download's response.
 *
 * The readable side ends only when the client is done: its upload ended (a stream-up POST's end), or,
 * for packet-up, which has no end-of-upload signal, it closed the download (as Xray's client does) and
 * every packet up to there was delivered. A lost connection, a packet missing at the end, or an upload
 * cut off destroys it with the reason instead.
 *
 * @example
 * ```ts
 * const tunnel = new SplitTunnel(download);
 * tunnel.attach(feed);
 * connections.next(new Connection(tunnel, info, remote));
 * ```
 */
export class SplitTunnel extends Duplex {
  readonly session: Http2Session | undefined;
  readonly rstCode: number | undefined = undefined;
  private feed: UploadFeed | undefined;
  private wanting = false;
  private uploadEnded = false;

  constructor(private readonly download: XhttpExchange) {
    super({ allowHalfOpen: true });
    this.session = download.session;
    download.onEnd((end) => this.downloadEnded(end));
    this.once('end', () => this.closeIfDone());
  }

  /** Connects the upload; a tunnel opened by its GET gets it when the upload arrives. */
  attach(feed: UploadFeed): void {
    this.feed = feed;
    if (this.download.done) feed.finish();
    if (this.wanting) feed.pull();
  }

  /** Whether the reader wants bytes now. */
  get wants(): boolean {
    return this.wanting && !this.destroyed && !this.uploadEnded;
  }

  /** Hands upload bytes to the reader; false once it wants no more for now. */
  deliver(chunk: Buffer): boolean {
    if (this.destroyed || this.uploadEnded) return false;
    this.wanting = this.push(chunk);
    return this.wanting;
  }

  /** The client's clean end of the upload. */
  endUpload(): void {
    if (this.destroyed || this.uploadEnded) return;
    this.uploadEnded = true;
    this.push(null);
  }

  /** The upload was cut off: the tunnel fails with `reason`. */
  cutUpload(reason: TransportError): void {
    if (!this.destroyed) this.destroy(reason);
  }

  override _read(): void {
    this.wanting = true;
    this.feed?.pull();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.download.done) return callback(sessionClosed('the client closed the download'));
    if (this.download.response.write(chunk)) return callback();
    const response = this.download.response;
    const drained = () => {
      response.off('close', closed);
      callback();
    };
    const closed = () => {
      response.off('drain', drained);
      callback(sessionClosed('the client closed the download before the write was flushed'));
    };
    response.once('drain', drained);
    response.once('close', closed);
  }

  // The tunnel's writable side finishes only once the response took its end: finishing earlier let
  // autoDestroy reset the download under its last bytes, and the client saw a cut-off tunnel.
  override _final(callback: (error?: Error | null) => void): void {
    this.download.endResponse(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A clean end (both sides over, or the response ended) leaves the download to close on its own END_STREAM.
    if (!this.download.done && !(error === null && this.writableFinished)) this.download.reset();
    this.feed?.release();
    callback(error);
  }

  private downloadEnded(end: ExchangeEnd): void {
    if (end === 'lost') return this.cutUpload(sessionClosed('connection lost'));
    // The client cancelled its download, or read it to our end: what it uploaded so far still counts. A
    // tunnel whose upload never arrived uploaded nothing: its upload is over too, or it would stay open.
    if (this.feed === undefined) this.endUpload();
    else this.feed.finish();
    this.closeIfDone();
  }

  // Nothing more can go either way once the upload ended and the download is over.
  private closeIfDone(): void {
    if (this.readableEnded && this.download.done && !this.destroyed) this.destroy();
  }
}
