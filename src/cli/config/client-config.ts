import * as E from 'fp-ts/lib/Either.js';
import { parseHostPort, type HostPort } from '../../settings/address.js';
import { loadDialSettings, readKeyPairFiles, readCaFile } from '../../v2ray-config/load-stream-settings.js';
import { certSha256List, checkPin, checkVerifyName } from '../../settings/tls-options.js';
import type { DialSettings, TlsClientSettings } from '../../settings/settings.js';
import { invalidConfig, tlsRequired, type InvalidConfig, type TlsRequired } from '../../errors/transport-error.js';
import { xhttpClientHost } from '../../v2ray-config/xhttp-ends.js';
import { parseXrayXmux } from '../../v2ray-config/xhttp-stream-settings.js';
import { JsonFields } from '../../v2ray-config/json-fields.js';
import type { XmuxSettings } from '../../settings/xhttp-settings.js';
import { checkDialSettings } from './check-dial-settings.js';

/** The `h2tunnel client` flags, as the argument parser hands them over. */
export interface ClientFlags {
  readonly listen: string;
  readonly server: string;
  readonly serverName?: string;
  readonly ca?: string;
  readonly insecure?: boolean;
  readonly host?: readonly string[];
  readonly path?: string;
  readonly readIdleTimeout?: number;
  readonly healthCheckTimeout?: number;
  readonly h2c?: boolean;
  readonly streamSettings?: string;
  readonly idleTimeout: number;
  /** Send the first bytes with the request, before the 200 (commander's `--no-zero-rtt` sets false). */
  readonly zeroRtt: boolean;
  /** `--bulk-cap`: hold a bulk upload's bytes in flight while other tunnels share its session. */
  readonly bulkCap?: boolean;
  /** `--pin`, repeatable: base64 chained SHA-256 of the server's certificate chain. */
  readonly pin?: readonly string[];
  /** `--cert-sha256`, repeatable or comma-separated: hex SHA-256 of a certificate (Xray's `pinnedPeerCertSha256`). */
  readonly certSha256?: readonly string[];
  /** `--verify-name`: the names to check the certificate against (Xray's `verifyPeerCertByName`). */
  readonly verifyName?: readonly string[];
  readonly clientCert?: string;
  readonly clientKey?: string;
  /** `--xmux JSON`: Xray's `xmux` object, the tunnels' connection reuse limits. */
  readonly xmux?: string;
}

/** Everything `h2tunnel client` needs, validated. */
export interface ClientConfig {
  readonly listen: HostPort;
  readonly server: HostPort;
  readonly settings: DialSettings;
  /** A tunnel with no byte either way for this long is reset at both ends; 0 never. */
  readonly idleTimeoutMs: number;
  /** Keys of the JSON file that were ignored. */
  readonly warnings: readonly string[];
}

/**
 * Turns client flags (and the `--stream-settings` file they may name) into a validated config; flags
 * override the file. TLS is on unless `--h2c`, as v2ray refuses to dial the http transport without it.
 *
 * @example
 * ```ts
 * await clientConfig({ listen: '127.0.0.1:1080', server: 'tunnel.example:443', host: ['tunnel.example'] });
 * ```
 */
export async function clientConfig(flags: ClientFlags): Promise<E.Either<InvalidConfig | TlsRequired, ClientConfig>> {
  const listen = parseHostPort(flags.listen, '--listen');
  if (E.isLeft(listen)) return listen;
  const server = parseHostPort(flags.server, '--server', 443);
  if (E.isLeft(server)) return server;
  if (flags.ca !== undefined && flags.insecure === true) return E.left(invalidConfig('--insecure', 'cannot be combined with --ca; choose one'));
  const tlsFlags = [
    flags.ca !== undefined && '--ca',
    flags.insecure === true && '--insecure',
    flags.serverName !== undefined && '--server-name',
    flags.pin !== undefined && '--pin',
    flags.certSha256 !== undefined && '--cert-sha256',
    flags.verifyName !== undefined && '--verify-name',
    flags.clientCert !== undefined && '--client-cert',
  ].filter(Boolean);
  if ((flags.clientCert === undefined) !== (flags.clientKey === undefined)) {
    return E.left(invalidConfig(flags.clientCert === undefined ? '--client-key' : '--client-cert', 'needs --client-cert FILE and --client-key FILE together'));
  }
  if (flags.h2c === true && tlsFlags.length > 0) return E.left(invalidConfig('--h2c', `cannot be combined with ${tlsFlags.join(', ')}`));

  const loaded = flags.streamSettings === undefined ? E.right({ settings: { tls: {} }, warnings: [] }) : await loadDialSettings(flags.streamSettings);
  if (E.isLeft(loaded)) return loaded;
  const base: DialSettings = loaded.right.settings;
  const ca = flags.ca === undefined ? E.right(undefined) : await readCaFile(flags.ca, '--ca');
  if (E.isLeft(ca)) return ca;
  const pins = pinFlags(flags.pin);
  if (E.isLeft(pins)) return pins;
  const xray = xrayVerificationFlags(flags, base.tls);
  if (E.isLeft(xray)) return xray;
  const xmux = xmuxFlag(flags.xmux);
  if (E.isLeft(xmux)) return xmux;
  const clientCertificate =
    flags.clientCert === undefined ? E.right(undefined) : await readKeyPairFiles(flags.clientCert, flags.clientKey as string, '--client-cert', '--client-key');
  if (E.isLeft(clientCertificate)) return clientCertificate;

  let tls: TlsClientSettings | undefined;
  if (flags.h2c !== true && (base.tls !== undefined || tlsFlags.length > 0)) {
    tls = {
      ...base.tls,
      ...(flags.serverName === undefined ? {} : { serverName: flags.serverName }),
      ...(ca.right === undefined ? {} : { ca: ca.right }),
      ...(flags.insecure === true ? { allowInsecure: true } : {}),
      ...(pins.right === undefined ? {} : { pinnedPeerCertificateChainSha256: pins.right }),
      ...xray.right,
      ...(clientCertificate.right === undefined ? {} : { clientCertificate: clientCertificate.right }),
    };
  }
  // Xray's XHTTP client speaks cleartext HTTP/1.1 without TLS; only the http transport insists on TLS.
  if (tls === undefined && flags.h2c !== true && base.xhttp === undefined) return E.left(withHint(tlsRequired(), flags.streamSettings));

  const settings: DialSettings = xhttpClientHost(
    withReadIdle(
      {
        ...withXmux(base, xmux.right),
        ...(flags.host === undefined ? {} : { host: flags.host }),
        ...(flags.path === undefined ? {} : { path: flags.path }),
        ...(flags.healthCheckTimeout === undefined ? {} : { healthCheckTimeoutMs: flags.healthCheckTimeout * 1000 }),
        tls,
        h2c: flags.h2c === true ? true : undefined,
        zeroRtt: flags.zeroRtt,
        ...(flags.bulkCap === true ? { bulkCap: true } : {}),
      },
      flags.readIdleTimeout,
    ),
    server.right.host,
  );
  // Validate now, so a bad host name or timeout stops the start instead of failing every tunnel later.
  const resolved = checkDialSettings(server.right, settings);
  if (E.isLeft(resolved)) return resolved;
  return E.right({ listen: listen.right, server: server.right, settings, idleTimeoutMs: flags.idleTimeout * 1000, warnings: loaded.right.warnings });
}

function xmuxFlag(text: string | undefined): E.Either<InvalidConfig, XmuxSettings | undefined> {
  if (text === undefined) return E.right(undefined);
  try {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw invalidConfig('--xmux', `must be a JSON object such as '{"maxConnections": 4}', got ${JSON.stringify(text)}`);
    }
    return E.right(parseXrayXmux(JsonFields.open(json, '--xmux')));
  } catch (error) {
    return E.left(error as InvalidConfig);
  }
}

// --xmux applies to the tunnels in either shape: an XHTTP file's own xmux gives way to it.
function withXmux(base: DialSettings, xmux: XmuxSettings | undefined): DialSettings {
  if (xmux === undefined) return base;
  return base.xhttp === undefined ? { ...base, xmux } : { ...base, xhttp: { ...base.xhttp, xmux } };
}

// --read-idle-timeout is the PING period Xray's hKeepAlivePeriod also sets: the flag takes the place of
// that one when it is given (the xmux stays as set as it was), and is readIdleTimeoutMs otherwise.
function withReadIdle(settings: DialSettings, seconds: number | undefined): DialSettings {
  if (seconds === undefined) return settings;
  const ms = seconds * 1000;
  if (settings.xmux?.keepAlivePeriodMs !== undefined) return { ...settings, xmux: { ...settings.xmux, keepAlivePeriodMs: ms } };
  const xhttp = settings.xhttp;
  if (xhttp?.xmux?.keepAlivePeriodMs !== undefined) return { ...settings, xhttp: { ...xhttp, xmux: { ...xhttp.xmux, keepAlivePeriodMs: ms } } };
  return { ...settings, readIdleTimeoutMs: ms };
}

function pinFlags(pins: readonly string[] | undefined): E.Either<InvalidConfig, readonly string[] | undefined> {
  if (pins === undefined) return E.right(undefined);
  try {
    return E.right(pins.map((pin) => checkPin(pin, '--pin')));
  } catch (error) {
    return E.left(error as InvalidConfig);
  }
}

// Xray's pinnedPeerCertSha256 and verifyPeerCertByName as flags; they replace the checks allowInsecure turns off.
function xrayVerificationFlags(
  flags: ClientFlags,
  fileTls: TlsClientSettings | undefined,
): E.Either<InvalidConfig, Pick<TlsClientSettings, 'pinnedPeerCertSha256' | 'verifyPeerCertByName'>> {
  try {
    const certSha256 = flags.certSha256?.flatMap((text) => certSha256List(text, '--cert-sha256'));
    const names = flags.verifyName?.map((name) => checkVerifyName(name, '--verify-name'));
    const given = certSha256 !== undefined ? '--cert-sha256' : names !== undefined ? '--verify-name' : undefined;
    if (given !== undefined && fileTls?.allowInsecure === true)
      return E.left(invalidConfig(given, 'cannot be combined with allowInsecure in --stream-settings'));
    return E.right({
      ...(certSha256 === undefined ? {} : { pinnedPeerCertSha256: certSha256 }),
      ...(names === undefined ? {} : { verifyPeerCertByName: names }),
    });
  } catch (error) {
    return E.left(error as InvalidConfig);
  }
}

function withHint(error: TlsRequired, file: string | undefined): TlsRequired {
  error.message = `${error.message} ${file ?? 'The stream settings'} has no "security": "tls"; set it, or pass --h2c for a cleartext server.`;
  return error;
}
