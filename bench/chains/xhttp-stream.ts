import type { ChainFiles } from './cli-chain.js';

/** The XHTTP modes the bench compares (`auto` is packet-up on a client without REALITY). */
export type XhttpMode = 'stream-one' | 'stream-up' | 'packet-up';

// The route of every XHTTP chain; Xray keeps the trailing `/` on the wire either way.
const XHTTP = { host: 'tunnel.test', path: '/tun/' };

/**
 * The `streamSettings` of an XHTTP server end: `mode` and TLS with the bench's certificate, nothing
 * else, so Xray's defaults (padding, XMUX, post sizes) hold. Xray and h2tunnel read the same object.
 *
 * @example
 * ```ts
 * xhttpServerStream('stream-one', { certFile, keyFile }); // { network: 'xhttp', xhttpSettings: { …, mode: 'stream-one' }, security: 'tls', … }
 * ```
 */
export function xhttpServerStream(mode: XhttpMode, files: ChainFiles): object {
  return {
    network: 'xhttp',
    xhttpSettings: { ...XHTTP, mode },
    security: 'tls',
    tlsSettings: { certificates: [{ certificateFile: files.certFile, keyFile: files.keyFile }] },
  };
}

/**
 * The `streamSettings` of an XHTTP client end: the same route and mode, TLS verified against `caFile`
 * for `tunnel.test` (Xray removed `allowInsecure`), h2 by ALPN.
 *
 * @example
 * ```ts
 * xhttpClientStream('packet-up', certFile);
 * ```
 */
export function xhttpClientStream(mode: XhttpMode, caFile: string): object {
  return {
    network: 'xhttp',
    xhttpSettings: { ...XHTTP, mode },
    security: 'tls',
    tlsSettings: { serverName: XHTTP.host, certificates: [{ usage: 'verify', certificateFile: caFile }] },
  };
}
