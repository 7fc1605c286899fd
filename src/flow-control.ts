import type { Http2Session, Settings } from 'node:http2';

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
/** Node resets streams with ENHANCE_YOUR_CALM past this (MB); it must exceed the session window. */
export const MAX_SESSION_MEMORY_MB = 96;

/** The SETTINGS we advertise. Push is never used by this protocol. */
export const localSettings = (extra: Settings = {}): Settings => ({
  initialWindowSize: STREAM_WINDOW,
  enablePush: false,
  ...extra,
});

/** Raises the connection-level receive window; only valid once the session is connected. */
export function widenSessionWindow(session: Http2Session): void {
  if (!session.destroyed) session.setLocalWindowSize(SESSION_WINDOW);
}
