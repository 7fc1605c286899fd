import { sessionClosed } from '../../errors/transport-error.js';
import { drawFromRange, paddingOf } from '../../protocol/xhttp/padding.js';
import type { Range } from '../../settings/xhttp-settings.js';
import type { XhttpExchange } from './exchange.js';
import { guardBodyEnd } from './guard-body-end.js';
import type { SplitTunnel, UploadFeed } from './split-tunnel.js';

/** How a stream upload's own response behaves. */
export interface StreamUploadOptions {
  /** Milliseconds the upload may stay open after the download is over before it counts as cut off. */
  readonly graceMs: number;
  /**
   * Stream-up: the POST has a response of its own, padded now and then so proxies keep it open (Xray
   * pads only a request that had a Referer), and ended with the tunnel. Undefined for stream-one over
   * HTTP/1.1, whose response is the download.
   */
  readonly ownResponse: { readonly padEveryMs: Range | undefined; readonly paddingBytes: Range } | undefined;
}

/**
 * A streaming upload (stream-up's POST, or stream-one's body over HTTP/1.1) fed to a tunnel with the
 * reader's backpressure. Its body ending is the client's clean end of the upload; the exchange closing
 * before that cuts the tunnel off.
 *
 * @example
 * ```ts
 * const upload = new StreamUpload(post, { graceMs: 2_000, ownResponse: { padEveryMs, paddingBytes } });
 * post.respond(200, headers, true);
 * upload.answered();
 * upload.connect(tunnel);
 * ```
 */
export class StreamUpload implements UploadFeed {
  private tunnel: SplitTunnel | undefined;
  private bodyEnded = false;
  private padTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private released = false;

  constructor(
    private readonly exchange: XhttpExchange,
    private readonly options: StreamUploadOptions,
  ) {}

  /** Starts the keep-alive padding of the upload's own response, once its 200 is out. */
  answered(): void {
    const own = this.options.ownResponse;
    if (own?.padEveryMs !== undefined) this.pad(own.padEveryMs, own.paddingBytes);
  }

  /** The tunnel reads from here on; until then the body stays unread. */
  connect(tunnel: SplitTunnel): void {
    this.tunnel = tunnel;
    guardBodyEnd(this.exchange);
    const body = this.exchange.body;
    body.on('data', (chunk: Buffer) => {
      if (!tunnel.deliver(chunk)) body.pause();
    });
    body.once('end', () => {
      this.bodyEnded = true;
      clearTimeout(this.graceTimer);
      tunnel.endUpload();
    });
    this.exchange.onEnd(() => {
      if (!this.bodyEnded) tunnel.cutUpload(sessionClosed('the upload was cut off before its end'));
    });
    tunnel.attach(this);
  }

  pull(): void {
    if (this.tunnel !== undefined && !this.released) this.exchange.body.resume();
  }

  finish(): void {
    if (this.bodyEnded || this.graceTimer !== undefined) return;
    // Xray's client ends the upload and cancels the download together; give the end a moment to arrive.
    this.graceTimer = setTimeout(() => this.tunnel?.cutUpload(sessionClosed('the upload did not end with the download')), this.options.graceMs);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.padTimer);
    clearTimeout(this.graceTimer);
    if (this.options.ownResponse === undefined) return;
    if (this.bodyEnded) this.exchange.endResponse();
    else this.exchange.reset();
  }

  // The first padding goes at once: it is also what pushes the response headers through proxies.
  private pad(every: Range, paddingBytes: Range): void {
    const write = () => {
      if (this.released || this.exchange.done) return;
      this.exchange.response.write(paddingOf(drawFromRange(paddingBytes)));
      this.padTimer = setTimeout(write, drawFromRange(every));
      this.padTimer.unref();
    };
    write();
  }
}
