import type { CertificateFiles } from './cert-files.js';
import { runGoPeer, runGoPeerOnFreePort, type GoPeerInstance } from './go-peer.js';

// Xray removed the http/h2 transport in v24.12.15; XHTTP is what it speaks in its place, so these helpers
// start Xray over XHTTP. A test that needs anything else writes its own config for startXrayConfig.

/** The `xhttpSettings` of one end. */
export interface XhttpOptions {
  /** `auto` (Xray's default) on a server accepts every mode; a client's `auto` picks packet-up. */
  readonly mode?: 'auto' | 'stream-one' | 'stream-up' | 'packet-up';
  /** One name, as Xray takes it (the server also accepts any Host when it is empty). */
  readonly host?: string;
  /** Xray makes it start and end with `/`: `/tun` is `/tun/` on the wire. */
  readonly path?: string;
  /** Further `xhttpSettings` keys (`xPaddingBytes`, `scMaxEachPostBytes`, `xmux`, `extra` …), verbatim. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Options of {@link xrayServerConfig} and {@link startXrayServer}. */
export interface XrayServerOptions {
  /** Tunnels are forwarded to 127.0.0.1:forwardPort. */
  readonly forwardPort: number;
  readonly xhttp?: XhttpOptions;
  /** Certificate files for `security: tls` (h2, or HTTP/1.1 by ALPN); without them cleartext HTTP/1.1 and h2c. */
  readonly tls?: CertificateFiles;
  /** Xray's name for dokodemo-door is `tunnel`; the old one still works. Default `tunnel`. */
  readonly protocol?: 'tunnel' | 'dokodemo-door';
}

/** Options of {@link xrayClientConfig} and {@link startXrayClient}. */
export interface XrayClientOptions {
  /** The tunnel server, at 127.0.0.1:serverPort. */
  readonly serverPort: number;
  readonly xhttp?: XhttpOptions;
  /**
   * TLS with this name, verified against `caFile` (Xray removed `allowInsecure`), and `alpn` if given
   * (`["http/1.1"]` makes Xray's client speak HTTP/1.1). Without it the client speaks cleartext HTTP/1.1.
   */
  readonly tls?: { readonly serverName: string; readonly caFile: string; readonly alpn?: readonly string[] };
}

// Info level: Xray logs a tunnel's TLS and HTTP failures at Info only, and the output is what a failed test shows.
const LOG = { loglevel: 'info' };

/**
 * The `streamSettings` of an XHTTP end: `network: "xhttp"` with its `xhttpSettings`, and `tlsSettings` when
 * `tls` is given (a server's certificate files, or a client's name and CA).
 *
 * @example
 * ```ts
 * xhttpStreamSettings({ mode: 'packet-up', host: 'tunnel.test', path: '/tun/' }, { serverName: 'tunnel.test', caFile });
 * ```
 */
export function xhttpStreamSettings(xhttp: XhttpOptions = {}, tls?: XrayServerOptions['tls'] | XrayClientOptions['tls']): object {
  const xhttpSettings = {
    ...(xhttp.host === undefined ? {} : { host: xhttp.host }),
    ...(xhttp.path === undefined ? {} : { path: xhttp.path }),
    mode: xhttp.mode ?? 'auto',
    ...xhttp.settings,
  };
  if (tls === undefined) return { network: 'xhttp', xhttpSettings };
  const tlsSettings =
    'certFile' in tls
      ? { certificates: [{ certificateFile: tls.certFile, keyFile: tls.keyFile }] }
      : {
          serverName: tls.serverName,
          certificates: [{ usage: 'verify', certificateFile: tls.caFile }],
          ...(tls.alpn === undefined ? {} : { alpn: tls.alpn }),
        };
  return { network: 'xhttp', xhttpSettings, security: 'tls', tlsSettings };
}

/**
 * An Xray config of a tunnel server: a `tunnel` (dokodemo-door) inbound on 127.0.0.1:`port` over XHTTP
 * forwarding every tunnel to 127.0.0.1:`forwardPort`, and a `freedom` outbound.
 *
 * @example
 * ```ts
 * const config = xrayServerConfig({ forwardPort: echo.port, xhttp: { path: '/tun/' }, tls: files }, port);
 * ```
 */
export function xrayServerConfig(options: XrayServerOptions, port: number): object {
  return {
    log: LOG,
    inbounds: [
      {
        ...tunnelInbound(port, options.forwardPort, options.protocol ?? 'tunnel'),
        streamSettings: xhttpStreamSettings(options.xhttp, options.tls),
      },
    ],
    outbounds: [{ protocol: 'freedom' }],
  };
}

/**
 * An Xray config of a tunnel client: a plain `tunnel` inbound on 127.0.0.1:`port` pointing at the server,
 * and a `freedom` outbound whose `streamSettings` dial it over XHTTP.
 *
 * @example
 * ```ts
 * const config = xrayClientConfig({ serverPort, xhttp: { mode: 'stream-one', path: '/tun/' }, tls: { serverName: 'tunnel.test', caFile } }, port);
 * ```
 */
export function xrayClientConfig(options: XrayClientOptions, port: number): object {
  return {
    log: LOG,
    inbounds: [tunnelInbound(port, options.serverPort, 'tunnel')],
    outbounds: [{ protocol: 'freedom', streamSettings: xhttpStreamSettings(options.xhttp, options.tls) }],
  };
}

/**
 * Starts Xray as an XHTTP tunnel server ({@link xrayServerConfig}) on a free port; resolves once it listens.
 *
 * @example
 * ```ts
 * const server = await startXrayServer({ forwardPort: echo.port, xhttp: { host: 'tunnel.test', path: '/tun/' }, tls: files });
 * after(() => server.stop());
 * ```
 */
export function startXrayServer(options: XrayServerOptions): Promise<GoPeerInstance> {
  return runGoPeerOnFreePort('xray', (port) => xrayServerConfig(options, port));
}

/**
 * Starts Xray as an XHTTP tunnel client ({@link xrayClientConfig}) on a free port; resolves once its inbound
 * listens, without connecting to it (a connection would open a tunnel).
 *
 * @example
 * ```ts
 * const client = await startXrayClient({ serverPort, xhttp: { mode: 'packet-up', path: '/tun/' }, tls: { serverName: 'tunnel.test', caFile } });
 * ```
 */
export function startXrayClient(options: XrayClientOptions): Promise<GoPeerInstance> {
  return runGoPeerOnFreePort('xray', (port) => xrayClientConfig(options, port));
}

/**
 * Runs `xray run -c FILE` on a whole config of the caller's, which listens on `port`.
 *
 * @example
 * ```ts
 * const xray = await startXrayConfig(config, port);
 * ```
 */
export function startXrayConfig(config: object, port: number): Promise<GoPeerInstance> {
  return runGoPeer('xray', config, port);
}

function tunnelInbound(port: number, target: number, protocol: 'tunnel' | 'dokodemo-door'): object {
  return { tag: 'tunnel-in', listen: '127.0.0.1', port, protocol, settings: { address: '127.0.0.1', port: target, network: 'tcp' } };
}
