import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, type InvalidConfig } from '../errors/transport-error.js';
import { parseHostPort, type HostPort } from './address.js';

/** What {@link dial} accepts as a destination: `host:port`, `{ host, port }`, or what a bound server's `address()` gives. */
export type Destination = string | HostPort | { readonly address: string; readonly port: number };

/**
 * Reads a dial destination of any shape a caller may hand over, so a wrong one is a typed error naming
 * `destination`, never a `TypeError` from deep inside the session manager: `host:port` (443 when the port
 * is left out, as v2ray), `{ host, port }`, or Node's `AddressInfo` (`{ address, family, port }`, what
 * `listen()`'s server reports), so `dial(server.address, …)` works for it as for the fault server.
 *
 * @example
 * ```ts
 * destinationOf('tunnel.test');                                 // right({ host: 'tunnel.test', port: 443 })
 * destinationOf({ address: '127.0.0.1', family: 'IPv4', port: 8443 }); // right({ host: '127.0.0.1', port: 8443 })
 * destinationOf(null);                                          // left(InvalidConfig destination)
 * ```
 */
export function destinationOf(destination: unknown): E.Either<InvalidConfig, HostPort> {
  if (typeof destination === 'string') return parsedString(destination);
  if (typeof destination !== 'object' || destination === null) return bad(`must be "host:port" or { host, port }, got ${describe(destination)}`);
  const fields = destination as { readonly host?: unknown; readonly address?: unknown; readonly port?: unknown };
  const host = fields.host ?? fields.address;
  if (typeof host !== 'string' || host.trim() === '') return bad(`needs a host name or address, got ${describe(host)}`);
  const port = fields.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535)
    return bad(`port must be an integer from 1 to 65535, got ${describe(port)}`);
  return checkHost({ host: host.trim(), port });
}

// Every dial reads its destination, nearly always the same text: a string cannot change, so its parse is
// remembered (it took ~9 µs of each tunnel's CPU on loopback, in the middle of Node's own work). Only
// good ones, a bounded number: a bad one is reported afresh each time.
const parsed = new Map<string, HostPort>();
const MAX_PARSED = 64;

function parsedString(text: string): E.Either<InvalidConfig, HostPort> {
  const known = parsed.get(text);
  if (known !== undefined) return E.right(known);
  const result = E.flatMap(checkHost)(parseHostPort(text, 'destination', 443));
  if (E.isRight(result)) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(text, result.right);
  }
  return result;
}

// A unix socket path or text with spaces would go to DNS and come back as a puzzling ENOTFOUND.
function checkHost(target: HostPort): E.Either<InvalidConfig, HostPort> {
  return /[\s/\\]/.test(target.host) ? bad(`${describe(target.host)} is not a host name or IP address (a unix socket cannot be dialled)`) : E.right(target);
}

function bad(detail: string): E.Either<InvalidConfig, never> {
  return E.left(invalidConfig('destination', detail));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}
