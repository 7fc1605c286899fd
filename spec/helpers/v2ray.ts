import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateFiles } from './cert-files.js';
import { onFreePort, startProcess, tempDir, waitForOutput, whenReady, type RunningProcess } from './process.js';

/** A running v2ray 4.34 process and the loopback port it listens on. */
export interface V2rayInstance {
  readonly port: number;
  /** The JSON config it was started with, for diagnostics. */
  readonly config: object;
  /** v2ray's stdout and stderr so far. */
  output(): string;
  /** Kills v2ray, waits for it to exit and removes its config directory. */
  stop(): Promise<void>;
}

/** Options of {@link startV2rayServer}. */
export interface V2rayServerOptions {
  /** Certificate files for `security: tls`; without them the server speaks h2c. */
  readonly tls?: CertificateFiles;
  readonly host?: readonly string[];
  readonly path?: string;
  /** Tunnels are forwarded to 127.0.0.1:forwardPort. */
  readonly forwardPort: number;
  /** Listen here instead of a free port. */
  readonly port?: number;
}

/** Options of {@link startV2rayClient}. */
export interface V2rayClientOptions {
  /** The local port that accepts TCP connections (default: a free one); each becomes one tunnel. */
  readonly listenPort?: number;
  /** The tunnel server, at 127.0.0.1:serverPort. */
  readonly serverPort: number;
  readonly host?: readonly string[];
  readonly path?: string;
  /** `security: tls` with these settings; without them the client dials h2c. */
  readonly tls?: { readonly serverName?: string; readonly allowInsecure?: boolean };
}

/**
 * Starts a v2ray tunnel server: a `dokodemo-door` inbound over the http transport that forwards each
 * tunnel to 127.0.0.1:`forwardPort`, and a `freedom` outbound. Resolves once it has started.
 *
 * @example
 * ```ts
 * const server = await startV2rayServer({ tls: files, host: ['tunnel.test'], path: '/tun', forwardPort: echo.port });
 * after(() => server.stop());
 * ```
 */
export function startV2rayServer(options: V2rayServerOptions): Promise<V2rayInstance> {
  return startOn(options.port, (port) => serverConfig(options, port));
}

function serverConfig(options: V2rayServerOptions, port: number): object {
  return {
    log: { loglevel: 'warning' },
    inbounds: [
      {
        ...dokodemoInbound(port, options.forwardPort),
        streamSettings: streamSettings(
          options,
          options.tls === undefined ? undefined : { certificates: [{ certificateFile: options.tls.certFile, keyFile: options.tls.keyFile }] },
        ),
      },
    ],
    outbounds: [{ protocol: 'freedom' }],
  };
}

/**
 * Starts a v2ray tunnel client: a `dokodemo-door` inbound on a local port pointing at the server, and a
 * `freedom` outbound whose `streamSettings` dial the server over the http transport.
 *
 * @example
 * ```ts
 * const client = await startV2rayClient({ serverPort, host: ['tunnel.test'], path: '/tun', tls: { serverName: 'tunnel.test', allowInsecure: true } });
 * net.connect(client.port, '127.0.0.1');
 * ```
 */
export function startV2rayClient(options: V2rayClientOptions): Promise<V2rayInstance> {
  return startOn(options.listenPort, (port) => clientConfig(options, port));
}

function clientConfig(options: V2rayClientOptions, port: number): object {
  return {
    log: { loglevel: 'warning' },
    inbounds: [dokodemoInbound(port, options.serverPort)],
    outbounds: [
      {
        protocol: 'freedom',
        streamSettings: streamSettings(options, options.tls === undefined ? undefined : { ...options.tls }),
      },
    ],
  };
}

/**
 * Runs v2ray 4.34 with a whole config of the caller's, which listens on `port`: for checking that the
 * very same file runs under v2ray and under `h2tunnel run -c`.
 *
 * @example
 * ```ts
 * const v2ray = await startV2rayConfig(serverConfigFile, port);
 * ```
 */
export function startV2rayConfig(config: object, port: number): Promise<V2rayInstance> {
  return run(config, port);
}

/** Runs v2ray with the config for `port`, or for a free port (retried on a clash) when `port` is undefined. */
function startOn(port: number | undefined, configFor: (port: number) => object): Promise<V2rayInstance> {
  const start = (chosen: number) => run(configFor(chosen), chosen);
  return port === undefined ? onFreePort(start) : start(port);
}

/** An inbound on 127.0.0.1:`port` that forwards every TCP connection to 127.0.0.1:`target`. */
function dokodemoInbound(port: number, target: number): object {
  return { listen: '127.0.0.1', port, protocol: 'dokodemo-door', settings: { address: '127.0.0.1', port: target, network: 'tcp' } };
}

function streamSettings(
  options: { readonly tls?: unknown; readonly host?: readonly string[]; readonly path?: string },
  tlsSettings: object | undefined,
): object {
  const httpSettings = { ...(options.host === undefined ? {} : { host: options.host }), ...(options.path === undefined ? {} : { path: options.path }) };
  return tlsSettings === undefined ? { network: 'http', security: 'none', httpSettings } : { network: 'http', security: 'tls', httpSettings, tlsSettings };
}

async function run(config: object, port: number): Promise<V2rayInstance> {
  const dir = await tempDir('v2ray-');
  const file = join(dir.path, 'config.json');
  await writeFile(file, JSON.stringify(config, null, 2));
  // v2ray looks for geoip/geosite assets next to itself unless told; point it at a writable empty dir.
  const child: RunningProcess = startProcess('v2ray', ['-config', file], { cwd: dir.path, env: { ...process.env, 'v2ray.location.asset': dir.path } });
  const program = await whenReady(child, dir, async () => {
    // Ready when v2ray says so, once every inbound listens. Not a port probe: a probe of a client's port
    // would open a tunnel, and if another program took the port the probe would reach that one.
    await waitForOutput(child, /V2Ray [\d.]+ started/, 15_000);
  });
  return {
    port,
    config,
    ...program,
  };
}
