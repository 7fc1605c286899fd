import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, type InvalidConfig } from '../errors/transport-error.js';

/** A TCP destination. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Where a server listens: a TCP address or a unix socket path (as v2ray's hub allows). */
export type ListenAddress = ({ readonly kind: 'tcp' } & HostPort) | { readonly kind: 'unix'; readonly path: string };

/**
 * Parses `host:port`, `[v6]:port` or a bare host (then `defaultPort`, 443 as v2ray).
 *
 * @example
 * ```ts
 * parseHostPort('tunnel.test:8443'); // right({ host: 'tunnel.test', port: 8443 })
 * parseHostPort('[::1]:443');        // right({ host: '::1', port: 443 })
 * ```
 */
export function parseHostPort(text: string, key = 'address', defaultPort?: number): E.Either<InvalidConfig, HostPort> {
  const bad = (detail: string) => E.left(invalidConfig(key, `${detail} in "${text}"; want HOST:PORT`));
  const trimmed = text.trim();
  if (trimmed === '') return bad('empty address');
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(trimmed);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else {
    const colon = trimmed.lastIndexOf(':');
    if (colon >= 0 && trimmed.indexOf(':') !== colon) return bad('IPv6 addresses need brackets');
    host = colon >= 0 ? trimmed.slice(0, colon) : trimmed;
    portText = colon >= 0 ? trimmed.slice(colon + 1) : undefined;
  }
  if (host === '') return bad('missing host');
  if (portText === undefined) {
    return defaultPort === undefined ? bad('missing port') : E.right({ host, port: defaultPort });
  }
  const port = parsePort(portText);
  return port === undefined ? bad(`bad port "${portText}"`) : E.right({ host, port });
}

/** Parses a listen address: `unix:/path` or `host:port` (port 0 picks a free one). */
export function parseListenAddress(text: string, key = 'listen'): E.Either<InvalidConfig, ListenAddress> {
  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length);
    return path === '' ? E.left(invalidConfig(key, 'empty unix socket path')) : E.right({ kind: 'unix', path });
  }
  return E.map((hp: HostPort) => ({ kind: 'tcp' as const, ...hp }))(parseHostPort(text, key));
}

/** `host:port` as text, bracketing IPv6 literals. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}
