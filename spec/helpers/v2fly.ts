import type { CertificateFiles } from './cert-files.js';
import { runGoPeer, runGoPeerOnFreePort, type GoPeerInstance } from './go-peer.js';

/** Options of {@link v2flyServerConfig} and {@link startV2flyServer}. */
export interface V2flyServerOptions {
  /** Certificate files for `security: tls`; without them the server speaks h2c (v5 allows that). */
  readonly tls?: CertificateFiles;
  readonly host?: readonly string[];
  readonly path?: string;
  /** Tunnels are forwarded to 127.0.0.1:forwardPort. */
  readonly forwardPort: number;
}

/** Options of {@link v2flyClientConfig} and {@link startV2flyClient}. */
export interface V2flyClientOptions {
  /** The tunnel server, at 127.0.0.1:serverPort. */
  readonly serverPort: number;
  readonly host?: readonly string[];
  readonly path?: string;
  /**
   * The server's name and the CA file to verify it with (jsonv5 forbids `allowInsecure`). Without it the
   * client has no security, and v5 then refuses every dial: "TLS must be enabled for http transport."
   */
  readonly tls?: { readonly serverName: string; readonly caFile: string };
}

// Info level: v2fly logs a tunnel's TLS and dial failures at Info only, and the output is what a failed test shows.
const LOG = { access: { type: 'Console', level: 'Info' }, error: { type: 'Console', level: 'Info' } };

/**
 * A jsonv5 config of a tunnel server: a `dokodemo-door` inbound on 127.0.0.1:`port` over `transport: "h2"`
 * forwarding every tunnel to 127.0.0.1:`forwardPort`, and a `freedom` outbound. The same object runs under
 * `v2fly run -format jsonv5` and `h2tunnel run --format jsonv5`.
 *
 * @example
 * ```ts
 * const config = v2flyServerConfig({ tls: files, host: ['tunnel.test'], path: '/tun', forwardPort: echo.port }, port);
 * ```
 */
export function v2flyServerConfig(options: V2flyServerOptions, port: number): object {
  const security =
    options.tls === undefined
      ? {}
      : {
          security: 'tls',
          securitySettings: { certificate: [{ usage: 'ENCIPHERMENT', certificateFile: options.tls.certFile, keyFile: options.tls.keyFile }] },
        };
  return {
    log: LOG,
    inbounds: [{ ...dokodemoInbound(port, options.forwardPort), streamSettings: { ...h2Transport(options), ...security } }],
    outbounds: [{ protocol: 'freedom' }],
  };
}

/**
 * A jsonv5 config of a tunnel client: a plain `dokodemo-door` inbound on 127.0.0.1:`port` pointing at the
 * server, and a `freedom` outbound whose `streamSettings` dial it over `transport: "h2"` (with TLS if `tls` is given).
 *
 * @example
 * ```ts
 * const config = v2flyClientConfig({ serverPort, host: ['tunnel.test'], path: '/tun', tls: { serverName: 'tunnel.test', caFile: files.certFile } }, port);
 * ```
 */
export function v2flyClientConfig(options: V2flyClientOptions, port: number): object {
  const security =
    options.tls === undefined
      ? {}
      : {
          security: 'tls',
          securitySettings: { serverName: options.tls.serverName, certificate: [{ usage: 'AUTHORITY_VERIFY', certificateFile: options.tls.caFile }] },
        };
  return {
    log: LOG,
    inbounds: [dokodemoInbound(port, options.serverPort)],
    outbounds: [{ protocol: 'freedom', streamSettings: { ...h2Transport(options), ...security } }],
  };
}

/**
 * Starts v2fly v5 as a tunnel server ({@link v2flyServerConfig}) on a free port; resolves once it listens.
 *
 * @example
 * ```ts
 * const server = await startV2flyServer({ tls: files, host: ['tunnel.test'], path: '/tun', forwardPort: echo.port });
 * after(() => server.stop());
 * ```
 */
export function startV2flyServer(options: V2flyServerOptions): Promise<GoPeerInstance> {
  return runGoPeerOnFreePort('v2fly', (port) => v2flyServerConfig(options, port));
}

/**
 * Starts v2fly v5 as a tunnel client ({@link v2flyClientConfig}) on a free port; resolves once its inbound
 * listens, without connecting to it (a connection would open a tunnel).
 *
 * @example
 * ```ts
 * const client = await startV2flyClient({ serverPort, host: ['tunnel.test'], path: '/tun', tls: { serverName: 'tunnel.test', caFile } });
 * net.connect(client.port, '127.0.0.1');
 * ```
 */
export function startV2flyClient(options: V2flyClientOptions): Promise<GoPeerInstance> {
  return runGoPeerOnFreePort('v2fly', (port) => v2flyClientConfig(options, port));
}

/**
 * Runs `v2fly run -c FILE -format jsonv5` on a whole jsonv5 config of the caller's, which listens on `port`.
 *
 * @example
 * ```ts
 * const v2fly = await startV2flyConfig(config, port);
 * ```
 */
export function startV2flyConfig(config: object, port: number): Promise<GoPeerInstance> {
  return runGoPeer('v2fly', config, port);
}

/** An inbound on 127.0.0.1:`port` that forwards every TCP connection to 127.0.0.1:`target` (jsonv5 spelling). */
function dokodemoInbound(port: number, target: number): object {
  return { protocol: 'dokodemo-door', listen: '127.0.0.1', port, settings: { address: '127.0.0.1', port: target, networks: ['tcp'] } };
}

function h2Transport(options: { readonly host?: readonly string[]; readonly path?: string }): object {
  const transportSettings = { ...(options.host === undefined ? {} : { host: options.host }), ...(options.path === undefined ? {} : { path: options.path }) };
  return { transport: 'h2', transportSettings };
}
