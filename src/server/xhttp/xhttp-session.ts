import type { ByteBudget } from './byte-budget.js';
import type { XhttpExchange } from './exchange.js';
import { PacketUpload } from './packet-upload.js';
import { SplitTunnel } from './split-tunnel.js';
import { StreamUpload, type StreamUploadOptions } from './stream-upload.js';

/** Where an XHTTP session stands. */
type SessionState =
  /** Requests came with this id, the download (GET) has not: it is dropped if none comes in time. */
  | { readonly kind: 'awaiting-download'; readonly reaper: NodeJS.Timeout }
  /** The download came: the tunnel is out. */
  | { readonly kind: 'open'; readonly tunnel: SplitTunnel }
  /** Over: reaped, or its tunnel closed. Later requests with its id make a new session, as in Xray. */
  | { readonly kind: 'closed' };

/** What uploads the session: nothing yet, one streaming POST (stream-up), or packets (packet-up). */
type Upload = { readonly kind: 'none' } | { readonly kind: 'stream'; readonly feed: StreamUpload } | { readonly kind: 'packets'; readonly feed: PacketUpload };

/** A session's limits. */
export interface SessionOptions {
  /** Milliseconds to wait for the download before the session is dropped (Xray: 30 s). */
  readonly downloadTimeoutMs: number;
  /** Packets held out of order at most (`maxBufferedPosts`). */
  readonly window: number;
  /** What the packets of sessions still awaiting their download may hold together. */
  readonly pendingBudget: ByteBudget;
}

/** Who keeps count of sessions: told when the download comes and when the session closes. */
export interface SessionWatcher {
  downloadCame(session: XhttpSession): void;
  /** `awaiting`: it closed before its download came (reaped, or the server closing). */
  closed(session: XhttpSession, awaiting: boolean): void;
}

/**
 * One XHTTP session (stream-up or packet-up): a download GET and an upload that share an id, arriving
 * in any order, on any connections. The tunnel opens with the download; a second download or a second
 * kind of upload for the id is a conflict (409).
 *
 * @example
 * ```ts
 * const session = new XhttpSession('8f4a…', options, watcher);
 * const tunnel = session.openDownload(get); // SplitTunnel, or 'conflict'
 * ```
 */
export class XhttpSession {
  private state: SessionState;
  private upload: Upload = { kind: 'none' };

  constructor(
    readonly id: string,
    private readonly options: SessionOptions,
    private readonly watcher: SessionWatcher,
  ) {
    const reaper = setTimeout(() => this.close(), options.downloadTimeoutMs);
    reaper.unref();
    this.state = { kind: 'awaiting-download', reaper };
  }

  /** True until the download came. */
  get awaitingDownload(): boolean {
    return this.state.kind === 'awaiting-download';
  }

  /** The download (GET) came: the tunnel, connected to any upload that came first. */
  openDownload(download: XhttpExchange): SplitTunnel | 'conflict' {
    if (this.state.kind !== 'awaiting-download') return 'conflict';
    clearTimeout(this.state.reaper);
    // The GET has no body, but it must be read to its end: Node closes a server stream whose request was
    // never read with RST_STREAM(NO_ERROR) as soon as its response ended, which overtakes the response's
    // last bytes and END_STREAM while they wait for flow-control window, and the client sees a cut-off.
    download.body.resume();
    const tunnel = new SplitTunnel(download);
    this.state = { kind: 'open', tunnel };
    this.watcher.downloadCame(this);
    tunnel.once('close', () => this.close());
    if (this.upload.kind !== 'none') this.upload.feed.connect(tunnel);
    return tunnel;
  }

  /** A stream-up POST: the session's one upload. */
  streamUpload(post: XhttpExchange, options: StreamUploadOptions): StreamUpload | 'conflict' {
    if (this.upload.kind !== 'none' || this.state.kind === 'closed') return 'conflict';
    const feed = new StreamUpload(post, options);
    this.upload = { kind: 'stream', feed };
    if (this.state.kind === 'open') feed.connect(this.state.tunnel);
    return feed;
  }

  /** The packet upload, made by the first packet; a conflict if the session uploads by stream. */
  packets(): PacketUpload | 'conflict' {
    if (this.upload.kind === 'packets') return this.upload.feed;
    if (this.upload.kind === 'stream' || this.state.kind === 'closed') return 'conflict';
    const feed = new PacketUpload(this.options.window, this.options.pendingBudget);
    this.upload = { kind: 'packets', feed };
    if (this.state.kind === 'open') feed.connect(this.state.tunnel);
    return feed;
  }

  /** Ends the session: a tunnel still open is cut off, uploads are let go. */
  close(): void {
    const state = this.state;
    if (state.kind === 'closed') return;
    this.state = { kind: 'closed' };
    if (state.kind === 'awaiting-download') clearTimeout(state.reaper);
    if (state.kind === 'open' && !state.tunnel.destroyed) state.tunnel.destroy();
    if (this.upload.kind !== 'none') this.upload.feed.release();
    this.watcher.closed(this, state.kind === 'awaiting-download');
  }
}
