import * as E from 'fp-ts/lib/Either.js';
import { formatHostPort } from '../../settings/address.js';
import type { TunnelClientPart, TunnelServerPart } from '../../v2ray-config/deployment.js';
import { dialSettingsOf, listenSettingsOf } from '../../v2ray-config/load-stream-settings.js';
import type { LoadedConfig } from '../../v2ray-config/read-v2ray-config.js';
import { resolveHttp } from '../../settings/resolve-dial-settings.js';
import { checkDialSettings } from './check-dial-settings.js';
import { configErrorIn, tlsRequired, type InvalidConfig, type TlsRequired } from '../../errors/transport-error.js';
import { isInvalidConfig } from '../../errors/error-guards.js';
import type { ClientConfig } from './client-config.js';
import { xhttpClientHost, xhttpHostMatch } from '../../v2ray-config/xhttp-ends.js';
import { CLIENT_DEFAULTS, listenLimits, SERVER_DEFAULTS, type ServerConfig } from './server-config.js';

/** One part of a config file, ready to start. */
export type ConfigFilePart =
  | { readonly kind: 'client'; readonly where: string; readonly summary: string; readonly config: ClientConfig }
  | { readonly kind: 'server'; readonly where: string; readonly summary: string; readonly config: ServerConfig };

/**
 * Turns a loaded config file into the client and server configs the CLI starts: certificate files are
 * read (relative to the working directory, as v2ray reads them) and checked, timeouts come from the
 * file's `policy` or h2tunnel's defaults. Any failure names the file and the part.
 *
 * @example
 * ```ts
 * const parts = await configFileParts(loaded.right); // right([{ kind: 'server', where: 'inbounds[0]', … }])
 * ```
 */
export async function configFileParts(loaded: LoadedConfig): Promise<E.Either<InvalidConfig | TlsRequired, readonly ConfigFilePart[]>> {
  const parts: ConfigFilePart[] = [];
  for (const part of loaded.deployment.parts) {
    try {
      parts.push(part.kind === 'server' ? await serverPart(part) : await clientPart(part));
    } catch (error) {
      if (isInvalidConfig(error)) return E.left(configErrorIn(loaded.label, error));
      if ((error as TlsRequired)._tag === 'TlsRequired') {
        const refusal = error as TlsRequired;
        refusal.message = `${loaded.label}: ${part.where}: ${refusal.message} Its freedom outbound has no "security": "tls" (v2ray refuses to dial the http transport without it).`;
        return E.left(refusal);
      }
      throw error;
    }
  }
  return E.right(parts);
}

async function clientPart(part: TunnelClientPart): Promise<ConfigFilePart> {
  const loaded = await dialSettingsOf(part.stream, '.');
  // Xray's XHTTP client speaks cleartext HTTP/1.1 without TLS; only the http transport insists on TLS.
  if (loaded.settings.tls === undefined && loaded.settings.xhttp === undefined) throw tlsRequired();
  const settings = {
    ...xhttpClientHost(loaded.settings, part.server.host),
    zeroRtt: true,
    ...(part.policy.connectTimeoutS === undefined ? {} : { connectTimeoutMs: part.policy.connectTimeoutS * 1000 }),
  };
  const resolved = checkDialSettings(part.server, settings);
  if (E.isLeft(resolved)) throw resolved.left;
  const config: ClientConfig = {
    listen: part.listen,
    server: part.server,
    settings,
    idleTimeoutMs: (part.policy.idleTimeoutS ?? CLIENT_DEFAULTS.idleTimeout) * 1000,
    warnings: loaded.warnings,
  };
  const over = settings.xhttp === undefined ? '' : ` over XHTTP (${settings.xhttp.mode ?? 'auto'})`;
  return { kind: 'client', where: part.where, summary: `client ${formatHostPort(part.listen)} → tunnels to ${formatHostPort(part.server)}${over}`, config };
}

async function serverPart(part: TunnelServerPart): Promise<ConfigFilePart> {
  const loaded = await listenSettingsOf(part.stream, '.');
  resolveHttp(loaded.http);
  const options = {
    ...loaded.http,
    ...(loaded.xhttp === undefined ? {} : { xhttp: loaded.xhttp, hostMatch: xhttpHostMatch(loaded) }),
    ...(loaded.tls === undefined ? { h2c: true } : { tls: loaded.tls }),
    listen: part.listen,
    ...(part.trustForwardedFor ? { trustForwardedFor: true } : {}),
    ...listenLimits(SERVER_DEFAULTS),
  };
  const forwarding = {
    connectTimeoutMs: (part.policy.connectTimeoutS ?? SERVER_DEFAULTS.connectTimeout) * 1000,
    idleTimeoutMs: (part.policy.idleTimeoutS ?? SERVER_DEFAULTS.idleTimeout) * 1000,
  };
  const listen = part.listen.kind === 'unix' ? `unix:${part.listen.path}` : formatHostPort(part.listen);
  return {
    kind: 'server',
    where: part.where,
    summary: `server ${listen} (${loaded.xhttp === undefined ? '' : 'XHTTP, '}${loaded.tls === undefined ? (loaded.xhttp === undefined ? 'h2c' : 'cleartext') : 'TLS'}) → forwards to ${formatHostPort(part.forward)}`,
    config: { options, forward: part.forward, forwarding, warnings: loaded.warnings },
  };
}
