import type { Http2Session, Settings } from 'node:http2';
import type { WindowLimits } from './bdp-estimator.js';

/**
 * HTTP/2 flow-control sizes, shared by client and server. Node's 64 KiB default stream window keeps a
 * tunnel below the Go chain; a wider window lets one tunnel run at socket speed while the session
 * window still caps what a peer may send before anyone reads (the bound on buffered memory).
 *
 * The session window must stay small enough for the TCP buffers to absorb: a Node session stops
 * reading its socket while its own writes are pending, so two ends that each have more in flight than
 * the kernel buffers hold (echo traffic, both directions full) block on write and never read again.
 * 32 MiB session / 4 MiB stream windows deadlocked 8 parallel echo tunnels on loopback (tcp_wmem max
 * 4 MiB); 4 MiB / 2 MiB never did, at the same one-tunnel throughput (bench/README.md).
 */
export const STREAM_WINDOW = 2 * 1024 * 1024;
export const SESSION_WINDOW = 4 * 1024 * 1024;
/**
 * Where the measured windows start and stop (`window-tuner.ts`). They start at the fixed windows above,
 * which fill loopback and a LAN, and grow only by what PING round trips measure on a longer link, where
 * the link itself and the TCP buffers that carry it hold what is in flight. 16 MiB per stream carries
 * about 100 MB/s at 150 ms; it is also gRPC's cap.
 */
export const WINDOW_LIMITS: WindowLimits = {
  floor: { stream: STREAM_WINDOW, session: SESSION_WINDOW },
  cap: { stream: 16 * 1024 * 1024, session: 32 * 1024 * 1024 },
  // One or four tunnels may reach the cap; with more open, each gets its share, never below the floor.
  budget: 64 * 1024 * 1024,
};
/**
 * The largest DATA frame we accept (SETTINGS_MAX_FRAME_SIZE). With the protocol's 16 KiB default,
 * every 64 KiB socket read arrives as four frames and four pushes into the stream, and every write
 * leaves as four frames: per-frame work, not bytes, was what limited one tunnel. 256 KiB frames
 * carried one tunnel 1.3-1.5x faster on loopback; 1 MiB was slower again (bench/README.md). Peers
 * still send smaller frames when they like, and Go's http2 honours the setting.
 */
export const MAX_FRAME_SIZE = 256 * 1024;
/** Node resets streams with ENHANCE_YOUR_CALM past this (MB); it must exceed the session window. */
export const MAX_SESSION_MEMORY_MB = 96;

/** The SETTINGS we advertise. Push is never used by this protocol. */
export const localSettings = (extra: Settings = {}): Settings => ({
  initialWindowSize: STREAM_WINDOW,
  enablePush: false,
  maxFrameSize: MAX_FRAME_SIZE,
  ...extra,
});

/** Raises the connection-level receive window; only valid once the session is connected. */
export function widenSessionWindow(session: Http2Session): void {
  if (!session.destroyed) session.setLocalWindowSize(SESSION_WINDOW);
}
