import type { Socket } from 'node:net';
import type { Observable, Subscription } from 'rxjs';
import { wasNotProcessed } from '../client/not-processed.js';
import type { Connection } from '../connection/connection.js';
import { socketFailed, timeout, type TransportError } from '../errors/transport-error.js';

/** How the bytes sent before the 200 fared. */
export type EarlyOutcome =
  /** The server took the tunnel: bridge the socket to `connection` from here on. */
  | { readonly _tag: 'Accepted'; readonly connection: Connection; readonly replays: number }
  /** The tunnel failed before the server took it, and was not sent again. */
  | { readonly _tag: 'Failed'; readonly error: TransportError }
  /** The application closed its connection before the server answered; the tunnel was cancelled. */
  | { readonly _tag: 'Abandoned' };

/** Bytes kept for a replay at most; a longer early phase is carried, but no longer replayable. */
export const MAX_EARLY_BYTES = 4 * 1024 * 1024;
/** Times a tunnel the server never processed is sent again. */
const MAX_REPLAYS = 2;

/**
 * The 0-RTT phase of a CLI tunnel: the local connection's bytes go up at once, before the server's 200,
 * and a copy of them is kept until the 200 arrives. A tunnel the server provably never processed
 * (REFUSED_STREAM, a stream past a GOAWAY's last id) is opened again with `redial` and the copy sent
 * first, so nothing is lost. Any other failure before the 200 (a lost session, a timeout, a non-200) is
 * final: the server may already have forwarded those bytes, and sending them twice could make a service
 * act twice. Resolves once the 200 arrives or the tunnel failed; the socket is then paused, for the
 * caller to bridge or reset.
 *
 * @example
 * ```ts
 * const outcome = await sendEarly(socket, connection, `local ${socket.remotePort}`, () => dial(server, settings, { manager }), idleMs);
 * if (outcome._tag === 'Accepted') void bridge(socket, outcome.connection, options);
 * ```
 */
export function sendEarly(
  socket: Socket,
  first: Connection,
  socketAddress: string,
  redial: () => Observable<Connection>,
  idleTimeoutMs = 0,
): Promise<EarlyOutcome> {
  return new Promise((resolve) => new EarlyPhase(socket, socketAddress, redial, idleTimeoutMs, resolve).start(first));
}

/** Where the 0-RTT phase stands. */
type EarlyState =
  /** The local bytes go into `connection`; the server has not answered yet. */
  | { readonly kind: 'sending'; readonly connection: Connection }
  /** The server refused the last tunnel unprocessed: a new one is being dialed, the socket paused. */
  | { readonly kind: 'redialing' }
  /** Resolved; the socket is the caller's again. */
  | { readonly kind: 'finished' };

/** The copy of the early bytes kept for a replay, dropped for good once it outgrows {@link MAX_EARLY_BYTES}. */
type ReplayCopy = { readonly chunks: Buffer[]; bytes: number } | 'too-long';

class EarlyPhase {
  private state: EarlyState = { kind: 'finished' };
  private copy: ReplayCopy = { chunks: [], bytes: 0 };
  private replays = 0;
  /** The application half-closed: every tunnel, the replayed one included, is ended after its bytes. */
  private localEnded = false;
  private socketError: TransportError | undefined;
  /** The replay's dial: its tunnel lives as long as this subscription, so an abandoned replay is cancelled. */
  private replayed: Subscription | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly socketAddress: string,
    private readonly redial: () => Observable<Connection>,
    private readonly idleTimeoutMs: number,
    private readonly resolve: (outcome: EarlyOutcome) => void,
  ) {}

  start(first: Connection): void {
    this.state = { kind: 'sending', connection: first };
    this.socket.on('data', this.onData);
    this.socket.once('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.once('close', this.onClose);
    // The idle timeout counts from the hand-off, not from the 200: a tunnel whose answer never comes is
    // as idle as one whose bytes stopped. The bridge re-arms the same socket timer after the 200.
    if (this.idleTimeoutMs > 0) {
      this.socket.setTimeout(this.idleTimeoutMs);
      this.socket.on('timeout', this.onIdle);
    }
    this.watch(first);
  }

  private readonly onData = (chunk: Buffer) => {
    if (this.copy !== 'too-long') {
      this.copy.chunks.push(chunk);
      this.copy.bytes += chunk.length;
      // Between a refused tunnel and its replay the socket is paused; what was already read joins the copy.
      if (this.copy.bytes > MAX_EARLY_BYTES && this.state.kind === 'sending') this.copy = 'too-long';
    }
    if (this.state.kind === 'sending') this.send(this.state.connection, chunk);
  };

  private readonly onEnd = () => {
    this.localEnded = true;
    if (this.state.kind === 'sending') void this.state.connection.end();
  };

  private readonly onIdle = () => {
    if (this.state.kind === 'sending') this.state.connection.close(timeout('tunnel idle', this.idleTimeoutMs));
    else this.finish({ _tag: 'Failed', error: timeout('tunnel idle', this.idleTimeoutMs) });
  };

  private readonly onError = (error: Error) => (this.socketError ??= socketFailed(this.socketAddress, error));

  // The application gave up before the server answered: cancel the tunnel, nothing to carry any more.
  private readonly onClose = () => {
    if (this.state.kind === 'sending') this.state.connection.close(this.socketError);
    this.finish(this.socketError === undefined ? { _tag: 'Abandoned' } : { _tag: 'Failed', error: this.socketError });
  };

  private isCurrent(connection: Connection): boolean {
    return this.state.kind === 'sending' && this.state.connection === connection;
  }

  private send(connection: Connection, chunk: Buffer): void {
    const tunnel = connection.toDuplex();
    if (tunnel.write(chunk) || !this.isCurrent(connection)) return;
    this.socket.pause();
    tunnel.once('drain', () => this.isCurrent(connection) && this.socket.resume());
  }

  private watch(connection: Connection): void {
    void connection.accepted.then((accepted) => {
      if (accepted && this.isCurrent(connection)) this.finish({ _tag: 'Accepted', connection, replays: this.replays });
    });
    void connection.done.then((result) => {
      if (!this.isCurrent(connection) || result._tag === 'Right') return;
      if (this.copy === 'too-long' || this.replays >= MAX_REPLAYS || !wasNotProcessed(result.left)) return this.finish({ _tag: 'Failed', error: result.left });
      this.replay();
    });
  }

  private replay(): void {
    this.replays++;
    this.state = { kind: 'redialing' };
    this.socket.pause();
    this.replayed = this.redial().subscribe({
      next: (next) => {
        this.state = { kind: 'sending', connection: next };
        this.watch(next);
        if (this.copy !== 'too-long') for (const chunk of this.copy.chunks) this.send(next, chunk);
        if (this.localEnded) void next.end();
        else if (next.toDuplex().writableNeedDrain === false) this.socket.resume();
      },
      error: (error: unknown) => this.finish({ _tag: 'Failed', error: error as TransportError }),
    });
  }

  private finish(outcome: EarlyOutcome): void {
    if (this.state.kind === 'finished') return;
    this.state = { kind: 'finished' };
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
    this.socket.off('timeout', this.onIdle);
    if (!this.socket.readableEnded) this.socket.pause();
    // An accepted replay is the caller's tunnel now, alive until its stream closes; any other outcome
    // leaves nothing behind, a dial still under way included.
    if (outcome._tag !== 'Accepted') this.replayed?.unsubscribe();
    this.resolve(outcome);
  }
}
