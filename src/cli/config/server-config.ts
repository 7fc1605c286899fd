import * as E from 'fp-ts/lib/Either.js';
import { parseHostPort, parseListenAddress, type HostPort, type ListenAddress } from '../../settings/address.js';
import { loadListenSettings, readKeyPairFiles, readCaFile } from '../../v2ray-config/load-stream-settings.js';
import { invalidConfig, type InvalidConfig } from '../../errors/transport-error.js';
import { forwardedForTrust } from '../../protocol/remote-address.js';
import type { HostMatch } from '../../protocol/route.js';
import type { ListenOptions } from '../../server/server-options.js';
import type { ForwardOptions } from '../../forward/tunnel-forwarder.js';
import { xhttpHostMatch } from '../../v2ray-config/xhttp-ends.js';

/** The `h2tunnel server` flags, as the argument parser hands them over. */
export interface ServerFlags {
  readonly listen: string;
  readonly forward: string;
  readonly cert?: string;
  readonly key?: string;
  readonly h2c?: boolean;
  readonly host?: readonly string[];
  readonly path?: string;
  readonly hostMatch?: HostMatch;
  readonly streamSettings?: string;
  readonly connectTimeout: number;
  readonly idleTimeout: number;
  readonly maxSessionsPerAddress: number;
  readonly maxSessions: number;
  readonly maxTunnels: number;
  readonly maxStreams: number;
  readonly handshakeTimeout: number;
  readonly headerTimeout: number;
  readonly readIdleTimeout?: number;
  readonly healthCheckTimeout?: number;
  /** Bare: any peer's X-Forwarded-For; with a list: only these proxies'. */
  readonly trustForwardedFor?: true | readonly string[];
  /** CA certificates (PEM file) whose client certificates are required: mutual TLS. */
  readonly clientCa?: string;
  /** `--bulk-cap`: hold a bulk download's bytes in flight while other tunnels share its session. */
  readonly bulkCap?: boolean;
}

/** The server's limits (seconds and counts: flags, or their defaults) as the library's ListenOptions. */
export function listenLimits(
  limits: Pick<ServerFlags, 'maxSessionsPerAddress' | 'maxSessions' | 'maxTunnels' | 'maxStreams' | 'handshakeTimeout' | 'headerTimeout'>,
) {
  return {
    maxSessionsPerAddress: limits.maxSessionsPerAddress,
    maxSessions: limits.maxSessions,
    maxTunnels: limits.maxTunnels,
    maxConcurrentStreams: limits.maxStreams,
    handshakeTimeoutMs: limits.handshakeTimeout * 1000,
    headerTimeoutMs: limits.headerTimeout * 1000,
  };
}

/** Defaults of the server's limits (seconds and counts), shared by the flags and `run -c`. */
export const SERVER_DEFAULTS = {
  connectTimeout: 10,
  idleTimeout: 300,
  maxSessionsPerAddress: 100,
  // Off: how many descriptors a server may hold depends on the machine (ulimit -n); docs/cli.md says how to size them.
  maxSessions: 0,
  maxTunnels: 0,
  maxStreams: 250,
  handshakeTimeout: 10,
  headerTimeout: 4,
} as const;

/** Defaults of the client's limits (seconds), shared by the flags and `run -c`. */
export const CLIENT_DEFAULTS = { idleTimeout: 300 } as const;

// Limits that have no "off": 0 would mean forever, or no stream at all.
const ZERO_NOT_ALLOWED: readonly (readonly [string, (flags: ServerFlags) => number, string])[] = [
  ['--connect-timeout', (flags) => flags.connectTimeout, 'a target that never answers would hold its tunnels for minutes'],
  ['--max-streams', (flags) => flags.maxStreams, 'a session with no stream carries no tunnel'],
  ['--handshake-timeout', (flags) => flags.handshakeTimeout, 'a client that never finishes its handshake would hold its connection'],
  ['--header-timeout', (flags) => flags.headerTimeout, 'a client that never sends a request would hold its session'],
];

/** Everything `h2tunnel server` needs, validated. */
export interface ServerConfig {
  readonly options: ListenOptions & { readonly listen: ListenAddress };
  readonly forward: HostPort;
  readonly forwarding: ForwardOptions;
  /** Keys of the JSON file that were ignored. */
  readonly warnings: readonly string[];
}

/**
 * Turns server flags (and the `--stream-settings` file they may name) into {@link ListenOptions};
 * flags override the file. TLS needs a certificate and key that belong together; a file without
 * `security: tls` means h2c, as a v2ray server.
 *
 * @example
 * ```ts
 * await serverConfig({ listen: '0.0.0.0:443', forward: '127.0.0.1:22', cert: 'cert.pem', key: 'key.pem' });
 * ```
 */
export async function serverConfig(flags: ServerFlags): Promise<E.Either<InvalidConfig, ServerConfig>> {
  const listen = parseListenAddress(flags.listen, '--listen');
  if (E.isLeft(listen)) return listen;
  const forward = parseHostPort(flags.forward, '--forward');
  if (E.isLeft(forward)) return forward;
  const zero = ZERO_NOT_ALLOWED.find(([, read]) => read(flags) === 0);
  if (zero !== undefined) return E.left(invalidConfig(zero[0], `must be above 0: ${zero[2]}`));
  if ((flags.cert === undefined) !== (flags.key === undefined)) {
    return E.left(invalidConfig(flags.cert === undefined ? '--key' : '--cert', 'needs --cert FILE and --key FILE together'));
  }
  const tlsFlags = flags.cert !== undefined;
  if (tlsFlags && flags.h2c === true) return E.left(invalidConfig('--h2c', 'cannot be combined with --cert and --key; choose one'));
  if (flags.clientCa !== undefined && flags.h2c === true) return E.left(invalidConfig('--client-ca', 'needs TLS; it cannot be combined with --h2c'));
  if (!tlsFlags && flags.h2c !== true && flags.streamSettings === undefined) {
    return E.left(invalidConfig('--cert', 'a server needs --cert FILE --key FILE (TLS), or --h2c behind a TLS-terminating proxy'));
  }

  const forwardedFor = forwardedForTrust(flags.trustForwardedFor);
  if (typeof forwardedFor === 'string') return E.left(invalidConfig('--trust-forwarded-for', forwardedFor.replace(/^trustForwardedFor(\[\d+\])?: /, '')));

  const loaded = flags.streamSettings === undefined ? undefined : await loadListenSettings(flags.streamSettings);
  if (loaded !== undefined && E.isLeft(loaded)) return loaded;
  const base = loaded?.right;

  let security: Pick<ListenOptions, 'tls' | 'h2c'>;
  if (flags.h2c === true) security = { h2c: true };
  else if (tlsFlags) {
    const pair = await readKeyPairFiles(flags.cert, flags.key as string, '--cert', '--key');
    if (E.isLeft(pair)) return pair;
    security = { tls: pair.right };
  } else security = base?.tls !== undefined ? { tls: base.tls } : { h2c: true };
  if (flags.clientCa !== undefined) {
    if (security.tls === undefined) return E.left(invalidConfig('--client-ca', 'needs TLS: the stream settings have no "security": "tls"'));
    const clientCa = await readCaFile(flags.clientCa, '--client-ca');
    if (E.isLeft(clientCa)) return clientCa;
    security = { tls: { ...security.tls, clientCa: clientCa.right } };
  }

  const options = {
    ...base?.http,
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(flags.path === undefined ? {} : { path: flags.path }),
    ...(base?.xhttp === undefined ? {} : { xhttp: base.xhttp }),
    ...(base?.xhttp === undefined && flags.hostMatch === undefined ? {} : { hostMatch: xhttpHostMatch({ xhttp: base?.xhttp, hostMatch: flags.hostMatch }) }),
    ...security,
    listen: listen.right,
    ...(flags.readIdleTimeout === undefined ? {} : { readIdleTimeoutMs: flags.readIdleTimeout * 1000 }),
    ...(flags.healthCheckTimeout === undefined ? {} : { healthCheckTimeoutMs: flags.healthCheckTimeout * 1000 }),
    ...(flags.trustForwardedFor === undefined ? {} : { trustForwardedFor: flags.trustForwardedFor }),
    ...(flags.bulkCap === true ? { bulkCap: true } : {}),
    ...listenLimits(flags),
  };
  const forwarding = { connectTimeoutMs: flags.connectTimeout * 1000, idleTimeoutMs: flags.idleTimeout * 1000 };
  return E.right({ options, forward: forward.right, forwarding, warnings: base?.warnings ?? [] });
}
