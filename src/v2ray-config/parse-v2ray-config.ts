import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, type InvalidConfig } from '../errors/transport-error.js';
import { isInvalidConfig } from '../errors/error-guards.js';
import { parseHostPort, parseListenAddress, type HostPort, type ListenAddress } from '../settings/address.js';
import type { ConfigFormat, Deployment, DeploymentPart, PartPolicy } from './deployment.js';
import { JsonFields } from './json-fields.js';
import { outOfRange, PORT, USER_LEVEL } from '../settings/ranges.js';
import { withJsonv5Hint } from './jsonv5-hint.js';
import { parseConfigLog } from './config-log.js';
import { parseConfigPolicy } from './config-policy.js';
import { namedTransport, parseStreamSettings, type StreamSettings } from './stream-settings.js';
import { parseV5StreamSettings } from './v5-stream-settings.js';
import { describeValue } from '../settings/describe-value.js';

// A whole v2ray config → the tunnel servers and clients it describes. Pure: certificate files are read
// later, by whoever starts the parts. Anything the file asks for that h2tunnel cannot do is an
// InvalidConfig naming the inbound or outbound (index and tag), its protocol and the key.

const UNSUPPORTED_PROTOCOL = 'h2tunnel carries raw TCP over the http transport or XHTTP (dokodemo-door ↔ freedom)';

// Xray renamed dokodemo-door to `tunnel` and still reads the old name.
const TUNNEL_INBOUNDS = ['dokodemo-door', 'tunnel'];

// Top-level sections that change nothing on a raw tunnel's wire: reported, not honoured.
const IGNORED_SECTIONS: Readonly<Record<ConfigFormat, readonly string[]>> = {
  json: ['dns', 'stats', 'api', 'fakedns', 'observatory', 'burstObservatory'],
  jsonv5: ['dns', 'services', 'fakedns'],
};

interface Outbound {
  readonly where: string;
  readonly tag: string | undefined;
  readonly protocol: string;
  /** The http transport, when its streamSettings use it. */
  readonly stream: (StreamSettings & { readonly trustForwardedFor?: boolean }) | undefined;
  readonly redirect: HostPort | undefined;
}

/**
 * Parses a whole v2ray config (already merged, comments stripped) in the given format.
 *
 * @example
 * ```ts
 * parseV2rayConfig({ inbounds: [{ port: 443, protocol: 'dokodemo-door', settings: { address: '127.0.0.1', port: 22 },
 *   streamSettings: { network: 'http', security: 'none' } }], outbounds: [{ protocol: 'freedom' }] }, 'json');
 * // right({ parts: [{ kind: 'server', forward: { host: '127.0.0.1', port: 22 }, … }], … })
 * ```
 */
export function parseV2rayConfig(json: unknown, format: ConfigFormat): E.Either<InvalidConfig, Deployment> {
  try {
    const root = JsonFields.open(json, '');
    const warnings: string[] = [];
    const logLevel = parseConfigLog(root.object('log'), format, warnings);
    const policy = format === 'json' ? parseConfigPolicy(root.object('policy'), warnings) : () => ({});
    const outbounds = (root.objects('outbounds') ?? []).map((fields) => parseOutbound(fields, format));
    const routes = parseRouting(root.object(format === 'json' ? 'routing' : 'router'), format, outbounds);
    const parts = (root.objects('inbounds') ?? []).map((fields) => parseInbound(fields, format, outbounds, routes, policy, warnings));
    for (const key of root.unread()) {
      if (!IGNORED_SECTIONS[format].includes(key))
        throw invalidConfig(key, `is not a section h2tunnel can honour in a ${format === 'json' ? 'v4' : 'jsonv5'} config`);
      warnings.push(`${key} is ignored: it does not change a raw tunnel`);
    }
    if (parts.length === 0) throw invalidConfig('inbounds', 'has no dokodemo-door (or tunnel) inbound: there is nothing to run');
    return E.right({ parts, logLevel, warnings });
  } catch (error) {
    if (isInvalidConfig(error)) return E.left(error);
    throw error;
  }
}

function parseInbound(
  fields: JsonFields,
  format: ConfigFormat,
  outbounds: readonly Outbound[],
  routes: ReadonlyMap<string, Outbound>,
  policy: (level: number) => PartPolicy,
  warnings: string[],
): DeploymentPart {
  const tag = fields.string('tag');
  const where = label(fields.prefix, tag);
  const protocol = fields.string('protocol') ?? '';
  if (!TUNNEL_INBOUNDS.includes(protocol)) throw invalidConfig(where, `protocol "${protocol}" is not supported; ${UNSUPPORTED_PROTOCOL}`);
  for (const ignored of ['sniffing', 'allocate'] as const) {
    if (fields.raw(ignored) !== undefined) warnings.push(`${fields.key(ignored)} is ignored: h2tunnel does not route by content`);
  }
  const settings = fields.object('settings') ?? JsonFields.open({}, fields.key('settings'));
  const target = dokodemoTarget(settings, where);
  const level = settings.number('userLevel', USER_LEVEL) ?? 0;
  settings.raw('timeout');
  settings.rejectUnread();
  const listenHost = fields.string('listen') ?? '0.0.0.0';
  const streamJson = fields.raw('streamSettings');
  const stream = streamJson === undefined ? undefined : transportOf(streamJson, fields.key('streamSettings'), format);
  const port = fields.raw('port');
  fields.rejectUnread();

  if (stream !== undefined) {
    // A tunnel server: its tunnels go out through the outbound its traffic is routed to, which must be a plain freedom.
    const outbound = routes.get(tag ?? '') ?? outbounds[0];
    if (outbound !== undefined && (outbound.protocol !== 'freedom' || outbound.stream !== undefined)) {
      throw invalidConfig(where, `routes its tunnels to ${outbound.where}, which is not a plain freedom outbound; a tunnel server forwards raw TCP`);
    }
    if (target === undefined) throw invalidConfig(fields.key('settings.address'), 'is required: where the tunnels are forwarded to');
    return {
      kind: 'server',
      where,
      listen: listenAddress(listenHost, port, fields),
      forward: outbound?.redirect ?? target,
      stream,
      trustForwardedFor: stream.trustForwardedFor ?? false,
      policy: policy(level),
    };
  }
  const outbound = routes.get(tag ?? '') ?? outbounds[0];
  if (outbound === undefined) throw invalidConfig('outbounds', `is empty: ${where} has nowhere to send its connections`);
  if (outbound.protocol !== 'freedom' || outbound.stream === undefined) {
    throw invalidConfig(where, `is plain TCP routed to ${outbound.where}, which does not use the http transport; h2tunnel runs only tunnels`);
  }
  const server = outbound.redirect ?? target;
  if (server === undefined) throw invalidConfig(fields.key('settings.address'), 'is required: the tunnel server (or set a redirect on the freedom outbound)');
  const listen = listenAddress(listenHost, port, fields);
  if (listen.kind === 'unix') throw invalidConfig(fields.key('listen'), 'a tunnel client listens on TCP, not on a unix socket');
  return { kind: 'client', where: `${where} → ${outbound.where}`, listen, server, stream: outbound.stream, policy: policy(level) };
}

function dokodemoTarget(settings: JsonFields, where: string): HostPort | undefined {
  if (settings.boolean('followRedirect') === true) throw invalidConfig(settings.key('followRedirect'), `${where}: transparent proxying is not supported`);
  const networks = (['network', 'networks'] as const).flatMap((name) => networkNames(settings, name));
  if (networks.length > 0 && !networks.includes('tcp'))
    throw invalidConfig(settings.key('network'), `${where}: UDP is not carried; the http transport is TCP only`);
  const address = settings.string('address');
  const port = portOf(settings.raw('port'), settings.key('port'));
  if (address === undefined) return undefined;
  if (port === undefined) throw invalidConfig(settings.key('port'), 'is required with address');
  return { host: address, port };
}

// v2ray takes "tcp,udp" or ["tcp", "udp"]; an entry that is not text is named, never converted (String({toString: 1}) throws).
function networkNames(settings: JsonFields, name: string): string[] {
  const value = settings.raw(name);
  if (value === undefined || value === null) return [];
  const list: unknown[] = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [value];
  return list.map((entry, i) => {
    if (typeof entry !== 'string')
      throw invalidConfig(Array.isArray(value) ? `${settings.key(name)}[${i}]` : settings.key(name), `must be a string, got ${describeValue(entry)}`);
    return entry.trim().toLowerCase();
  });
}

function parseOutbound(fields: JsonFields, format: ConfigFormat): Outbound {
  const tag = fields.string('tag');
  const where = label(fields.prefix, tag);
  const protocol = fields.string('protocol') ?? '';
  if (protocol !== 'freedom' && protocol !== 'blackhole') throw invalidConfig(where, `protocol "${protocol}" is not supported; ${UNSUPPORTED_PROTOCOL}`);
  const mux = fields.object('mux');
  if (mux?.boolean('enabled') === true)
    throw invalidConfig(mux.key('enabled'), `${where}: mux is not supported; every tunnel is its own HTTP/2 stream already`);
  for (const unsupported of ['proxySettings', 'sendThrough'] as const) {
    if (fields.raw(unsupported) !== undefined) throw invalidConfig(fields.key(unsupported), `${where}: is not supported`);
  }
  fields.raw('domainStrategy');
  const settings = fields.object('settings');
  const redirect = settings === undefined ? undefined : freedomRedirect(settings, format);
  const streamJson = fields.raw('streamSettings');
  const stream = streamJson === undefined || isPlainTcp(streamJson) ? undefined : transportOf(streamJson, fields.key('streamSettings'), format);
  fields.rejectUnread();
  return { where, tag, protocol, stream, redirect };
}

function freedomRedirect(settings: JsonFields, format: ConfigFormat): HostPort | undefined {
  for (const ignored of ['domainStrategy', 'userLevel', 'timeout', 'protocolReplacement']) settings.raw(ignored);
  if (format === 'json') {
    const redirect = settings.string('redirect');
    settings.rejectUnread();
    if (redirect === undefined || redirect === '') return undefined;
    const parsed = parseHostPort(redirect, settings.key('redirect'));
    if (E.isLeft(parsed)) throw parsed.left;
    return parsed.right;
  }
  const server = settings.object('destinationOverride')?.object('server');
  settings.rejectUnread();
  if (server === undefined) return undefined;
  const address = server.string('address');
  const port = portOf(server.raw('port'), server.key('port'));
  server.rejectUnread();
  if (address === undefined || port === undefined) throw invalidConfig(server.prefix, 'needs address and port');
  return { host: address, port };
}

/** v2ray picks an outbound by the first rule whose `inboundTag` lists the inbound's tag, else the first outbound. */
function parseRouting(fields: JsonFields | undefined, format: ConfigFormat, outbounds: readonly Outbound[]): ReadonlyMap<string, Outbound> {
  const routes = new Map<string, Outbound>();
  if (fields === undefined) return routes;
  fields.raw('domainStrategy');
  fields.raw('domainMatcher');
  const targetKey = format === 'json' ? 'outboundTag' : 'tag';
  for (const rule of fields.objects(format === 'json' ? 'rules' : 'rule') ?? []) {
    rule.raw('type');
    const inboundTags = rule.strings('inboundTag');
    const target = rule.string(targetKey);
    rule.rejectUnread('routing by anything but inboundTag (domain, IP, port, balancer …) is not supported: h2tunnel does not look inside tunnels');
    if (inboundTags === undefined) throw invalidConfig(rule.prefix, 'needs inboundTag: h2tunnel routes by inbound only');
    const outbound = outbounds.find((candidate) => candidate.tag === target);
    if (outbound === undefined) throw invalidConfig(rule.key(targetKey), `names no outbound: "${target ?? ''}"`);
    for (const tag of inboundTags) if (!routes.has(tag)) routes.set(tag, outbound);
  }
  fields.rejectUnread();
  return routes;
}

function transportOf(json: unknown, at: string, format: ConfigFormat): StreamSettings & { readonly trustForwardedFor?: boolean } {
  const parsed = format === 'json' ? parseStreamSettings(json, at) : parseV5StreamSettings(json, at);
  if (E.isLeft(parsed)) {
    const stream = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    if (format === 'json' && stream.transport !== undefined) throw withJsonv5Hint(parsed.left);
    const key = format === 'json' ? (stream.method === undefined ? 'network' : 'method') : 'transport';
    const transport = stream[key];
    const spoken = format === 'json' ? namedTransport(stream) !== undefined : transport === 'h2';
    if (typeof transport === 'string' && !spoken) {
      throw invalidConfig(
        `${at}.${key}`,
        `"${transport}" is not supported; h2tunnel speaks only the http transport${format === 'json' ? " and Xray's XHTTP" : ''}`,
      );
    }
    throw parsed.left;
  }
  return parsed.right;
}

// An outbound's streamSettings that only spell out the default (raw TCP, no TLS): the same as none.
function isPlainTcp(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const stream = json as Record<string, unknown>;
  const network = stream.method ?? stream.network ?? stream.transport ?? 'tcp';
  const security = stream.security ?? 'none';
  // Xray calls plain TCP `raw`.
  const plain = typeof network === 'string' && ['tcp', 'raw'].includes(network.toLowerCase());
  return plain && (security === 'none' || security === '') && Object.keys(stream).every((key) => ['network', 'method', 'transport', 'security'].includes(key));
}

function listenAddress(host: string, port: unknown, fields: JsonFields): ListenAddress {
  if (host.startsWith('/') || host.startsWith('@')) {
    if (host.startsWith('@')) throw invalidConfig(fields.key('listen'), 'abstract unix sockets are not supported; use a path');
    return { kind: 'unix', path: host };
  }
  const number = portOf(port, fields.key('port'));
  if (number === undefined) throw invalidConfig(fields.key('port'), 'is required to listen on an IP address');
  const parsed = parseListenAddress(`${host.includes(':') ? `[${host}]` : host}:${number}`, fields.key('listen'));
  if (E.isLeft(parsed)) throw parsed.left;
  return parsed.right;
}

function portOf(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  const range = text === undefined ? undefined : /^(\d+)(?:-(\d+))?$/.exec(text);
  if (range === null || range === undefined) throw invalidConfig(key, `must be a port number, got ${JSON.stringify(value)}`);
  if (range[2] !== undefined && range[2] !== range[1]) throw invalidConfig(key, `port ranges ("${text}") are not supported; give one port`);
  const port = Number(range[1]);
  if (outOfRange(port, PORT) !== undefined) throw invalidConfig(key, `${port} is not a port number`);
  return port;
}

function label(prefix: string, tag: string | undefined): string {
  return tag === undefined || tag === '' ? prefix : `${prefix} (tag ${JSON.stringify(tag)})`;
}
