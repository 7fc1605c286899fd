import type { Http2Session, Http2Stream } from 'node:http2';
import { DeliveryRate } from './delivery-rate.js';
import { InFlightCap } from './in-flight-cap.js';
import { STEADY_GAIN } from './link-rules.js';

type WriteCallback = (error?: Error | null) => void;

/** A write of a bulk stream that waits for room under the cap. */
interface HeldWrite {
  readonly bytes: number;
  readonly run: () => void;
}

// A stream's first bytes are never held: a request, an interactive exchange, a short transfer and a
// 0-RTT opening go out at once, ahead of every bulk stream's backlog.
const UNCAPPED_BYTES = 64 * 1024;
// A stream alone on its session has nobody queued behind it: its writes are held only while another
// stream is open, and this long after the last one closed, so a browser's next request, a moment after
// its last, still finds the queue short.
const SHARED_LINGER_MS = 1_000;
// PINGs out at once while capping: below Node's limit of ten outstanding (the window tuner and the
// health check have one each).
const MAX_OUTSTANDING_PINGS = 6;
// A peer that stops answering PINGs must not hold the tunnels: their writes go out uncapped.
const STALL_MS = 1_000;
// Pace tokens saved up while nothing waited: a stream that starts writing again goes out in a burst of
// at most this much.
const BURST_MS = 2;
const MIN_BURST = 64 * 1024;

const caps = new WeakMap<Http2Session, BulkCap>();

/**
 * Caps what the bulk streams of one HTTP/2 session keep in flight while the session carries other
 * streams too ({@link InFlightCap}), measured by PINGs ({@link DeliveryRate}): a stream's writes past its
 * first 64 KiB wait until the bytes in flight fall below the cap, and Node's own backpressure holds its
 * source back meanwhile. HEADERS, PINGs and every stream's first bytes are never held, so a new tunnel
 * meets queues of a fraction of a round trip instead of the bulk stream's whole window. A stream alone on
 * its session is never held. While writes are held, a PING goes out every eighth of a round trip.
 *
 * @example
 * ```ts
 * const cap = capBulkStreams(session);
 * const stream = session.request(headers);
 * cap.watch(stream);
 * ```
 */
export class BulkCap {
  private readonly delivery = new DeliveryRate();
  private readonly cap: InFlightCap;
  private readonly held: HeldWrite[] = [];
  private readonly bulk = new Set<Http2Stream>();
  /** Bytes handed to a stream but not yet to the socket. */
  private admitted = 0;
  private outstanding = 0;
  private open = 0;
  private sharedUntil = 0;
  private clock: NodeJS.Timeout | undefined;
  private paceTimer: NodeJS.Timeout | undefined;
  private tokens = 0;
  private tokensAt = 0;
  /** Writes waited when the tokens were last counted. */
  private backlogged = false;
  private lastWritten = 0;
  private lastAck = 0;

  constructor(
    private readonly session: Http2Session,
    gain = STEADY_GAIN,
  ) {
    this.cap = new InFlightCap(this.delivery, gain);
    session.once('close', () => this.stop());
    // The link's own round trip, before any stream queues data behind the PING: on loopback or a LAN it
    // says at once that no cap is needed, however long a busy event loop later takes to answer.
    this.ping();
  }

  /** Holds `stream`'s writes past its first 64 KiB under the session's cap while other streams are open. */
  watch(stream: Http2Stream): void {
    this.open++;
    stream.once('close', () => {
      if (this.open-- > 1) this.sharedUntil = performance.now() + SHARED_LINGER_MS;
    });
    const write = stream._write.bind(stream);
    const writev = stream._writev?.bind(stream);
    let sent = 0;
    const admit = (bytes: number, go: (done: WriteCallback) => void, callback: WriteCallback) => {
      const run = () => {
        // Node drops a destroyed stream's writes without a callback too.
        if (stream.destroyed) return;
        this.admitted += bytes;
        go((error) => {
          this.admitted -= bytes;
          callback(error);
        });
      };
      const free = sent < UNCAPPED_BYTES || this.cap.unneeded;
      sent += bytes;
      if (free) return run();
      if (!this.bulk.has(stream)) {
        this.bulk.add(stream);
        stream.once('close', () => this.bulk.delete(stream));
      }
      this.held.push({ bytes, run });
      this.tick();
      this.release();
    };
    stream._write = (chunk: Buffer, encoding: BufferEncoding, callback: WriteCallback) => admit(chunk.length, (done) => write(chunk, encoding, done), callback);
    if (writev !== undefined) {
      stream._writev = (chunks: { chunk: Buffer; encoding: BufferEncoding }[], callback: WriteCallback) =>
        admit(
          chunks.reduce((sum, { chunk }) => sum + chunk.length, 0),
          (done) => writev(chunks, done),
          callback,
        );
    }
  }

  /** Lets every held write go and stops the PINGs; the session is closing. */
  stop(): void {
    clearTimeout(this.clock);
    clearTimeout(this.paceTimer);
    this.clock = this.paceTimer = undefined;
    this.flush();
  }

  private flush(): void {
    while (this.held.length > 0) this.held.shift()?.run();
  }

  private shared(): boolean {
    return this.open > 1 || performance.now() < this.sharedUntil;
  }

  private written(): number {
    return this.session.socket?.bytesWritten ?? 0;
  }

  private inFlight(): number {
    return this.written() + this.admitted - this.delivery.delivered;
  }

  private pingIntervalMs(): number {
    const rtt = this.delivery.minRttMs;
    return Math.min(25, Math.max(2, Number.isFinite(rtt) ? rtt / 8 : 5));
  }

  // The PING clock runs while a bulk stream has written since the last tick or waits. A clock that
  // starts while the first PING is still out waits for it: it may tell that no cap is needed.
  private tick(starting = true): void {
    if (this.clock !== undefined || this.session.destroyed) return;
    if (!starting || this.outstanding === 0) this.ping();
    this.clock = setTimeout(() => {
      this.clock = undefined;
      const written = this.written();
      const active = written !== this.lastWritten || this.held.length > 0;
      this.lastWritten = written;
      if (this.cap.unneeded || (this.held.length > 0 && performance.now() - this.lastAck > STALL_MS)) this.flush();
      else this.release();
      if (active && !this.cap.unneeded) this.tick(false);
    }, this.pingIntervalMs());
  }

  private ping(): void {
    if (this.outstanding >= MAX_OUTSTANDING_PINGS) return;
    const now = performance.now();
    if (this.outstanding === 0) this.lastAck = now;
    const mark = this.delivery.mark(this.written(), now, this.busy());
    this.outstanding++;
    try {
      const sent = this.session.ping((error) => {
        this.outstanding--;
        if (error !== null) return this.stop();
        this.lastAck = performance.now();
        this.cap.update(this.delivery.acked(mark, this.lastAck));
        this.release();
      });
      if (!sent) this.outstanding--;
    } catch {
      // The session is closing: its 'close' stops the cap.
      this.outstanding--;
    }
  }

  // The application has more to send than goes out (writes wait under the cap, or a stream holds its
  // source back): the rate measured now is the path's. With nothing to send it says nothing, and its
  // rounds do not count.
  private busy(): boolean {
    if (this.held.length > 0) return true;
    for (const stream of this.bulk) if (stream.writableNeedDrain) return true;
    return false;
  }

  private release(): void {
    const shared = this.shared();
    const limit = shared ? this.cap.limit(this.pingIntervalMs()) : Number.POSITIVE_INFINITY;
    const rate = shared ? this.cap.pace : Number.POSITIVE_INFINITY;
    const paced = Number.isFinite(rate);
    const now = performance.now();
    // Tokens saved while nothing waited make at most a small burst. While writes waited, a late timer (a
    // busy event loop) is made up for, up to a quarter round trip.
    const saved = Math.max(BURST_MS, this.backlogged ? this.delivery.minRttMs / 4 : 0);
    this.tokens = paced ? Math.min(Math.max(MIN_BURST, rate * saved), this.tokens + (now - this.tokensAt) * rate) : 0;
    this.tokensAt = now;
    // A write may take the tokens below zero: the next one waits until they are back.
    while (this.held.length > 0 && this.inFlight() < limit && (!paced || this.tokens >= 0)) {
      const next = this.held.shift() as HeldWrite;
      if (paced) this.tokens -= next.bytes;
      next.run();
    }
    this.backlogged = this.held.length > 0;
    if (!this.backlogged || !paced || this.tokens >= 0 || this.paceTimer !== undefined) return;
    this.paceTimer = setTimeout(
      () => {
        this.paceTimer = undefined;
        this.release();
      },
      Math.max(1, -this.tokens / rate),
    );
  }
}

/**
 * Starts capping `session`'s bulk streams; {@link bulkCapOf} finds the cap again for each new stream.
 *
 * @example
 * ```ts
 * capBulkStreams(session);
 * bulkCapOf(session)?.watch(session.request(headers));
 * ```
 */
export function capBulkStreams(session: Http2Session, gain = STEADY_GAIN): BulkCap {
  const cap = new BulkCap(session, gain);
  caps.set(session, cap);
  return cap;
}

/**
 * The bulk cap of `session`, if {@link capBulkStreams} started one.
 *
 * @example
 * ```ts
 * bulkCapOf(lease.session)?.watch(stream);
 * ```
 */
export function bulkCapOf(session: Http2Session): BulkCap | undefined {
  return caps.get(session);
}
