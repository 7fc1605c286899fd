import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { configErrorIn, invalidConfig, type InvalidConfig } from '../errors/transport-error.js';
import { isInvalidConfig } from '../errors/error-guards.js';
import type { ServerTlsSettings } from '../server/server-options.js';
import type { DialSettings, HttpSettings, TlsClientSettings } from '../settings/settings.js';
import type { XhttpServerSettings } from '../settings/xhttp-settings.js';
import { parseStreamSettings, type CertificateEntry, type StreamSettings } from './stream-settings.js';
import { dropUndefined } from './drop-undefined.js';
import { checkCertificates, checkKeyPair } from '../tls/check-pem.js';

// The side-effecting edge of configuration: files are read here, and every failure is an InvalidConfig
// naming the key or the file, so the CLI can print one line. `parseStreamSettings` stays pure.

/** A v2ray `streamSettings` file turned into client settings, with what was ignored. */
export interface LoadedDialSettings {
  readonly settings: DialSettings;
  readonly warnings: readonly string[];
}

/** A v2ray `streamSettings` file turned into server settings: HTTP rules plus TLS or h2c. */
export interface LoadedListenSettings {
  readonly http: HttpSettings;
  /** The certificate and key of the first `encipherment` entry, when `security` is `tls`. */
  readonly tls: ServerTlsSettings | undefined;
  /** True when `security` is not `tls`: a v2ray server then speaks h2c (and an XHTTP one HTTP/1.1 too). */
  readonly h2c: boolean;
  /** Xray's XHTTP, when the network is `xhttp`: served on `http.path`. */
  readonly xhttp?: XhttpServerSettings;
  readonly warnings: readonly string[];
}

/**
 * Reads a v2ray `streamSettings` JSON file as a client's {@link DialSettings}: `verify` certificates
 * become the trusted CAs; relative file names are resolved against the JSON file's directory.
 *
 * @example
 * ```ts
 * const loaded = await loadDialSettings('client.json');
 * if (E.isRight(loaded)) dial('tunnel.test:443', loaded.right.settings);
 * ```
 */
export async function loadDialSettings(file: string): Promise<E.Either<InvalidConfig, LoadedDialSettings>> {
  return attempt(async () => dialSettingsOf(await readStreamSettings(file), dirname(file)));
}

/**
 * Reads a v2ray `streamSettings` JSON file as a server's settings: with `security: tls`, the first
 * `encipherment` certificate (files or inline PEM), checked to match its key; otherwise h2c, as v2ray.
 *
 * @example
 * ```ts
 * const loaded = await loadListenSettings('server.json');
 * if (E.isRight(loaded)) await listen({ listen: '0.0.0.0:443', ...loaded.right.http, tls: loaded.right.tls });
 * ```
 */
export async function loadListenSettings(file: string): Promise<E.Either<InvalidConfig, LoadedListenSettings>> {
  return attempt(async () => listenSettingsOf(await readStreamSettings(file), dirname(file)));
}

/**
 * Parsed stream settings as a client's {@link DialSettings}, reading certificate files relative to
 * `base`: `verify` certificates become the trusted CAs (in place of the bundled roots), the first
 * `encipherment` one the client certificate. Throws an InvalidConfig naming the key or file.
 */
export async function dialSettingsOf(stream: StreamSettings, base: string): Promise<LoadedDialSettings> {
  const warnings = [...stream.warnings];
  let tls: DialSettings['tls'];
  if (stream.tls !== undefined) {
    const t = stream.tls;
    const ca: string[] = [];
    let clientCertificate: TlsClientSettings['clientCertificate'];
    for (const entry of t.certificates) {
      const key = entry.at ?? 'tlsSettings.certificates';
      if (entry.usage === 'verify') ca.push(await caOf(entry, key, base));
      else if (entry.usage === 'verifyclient') warnings.push(`${key} is ignored: "verifyclient" certificates are for a server`);
      else if (clientCertificate !== undefined) warnings.push(`${key} is ignored: a client presents its first "encipherment" certificate`);
      else clientCertificate = await keyPairOf(entry, key, base);
    }
    for (const serverOnly of ['verifyClientCertificate', 'rejectUnknownSni'] as const) {
      if (t[serverOnly] === true) warnings.push(`${serverOnly} is ignored: it is a server setting`);
    }
    tls = dropUndefined({
      serverName: t.serverName,
      allowInsecure: t.allowInsecure || undefined,
      ca: ca.length > 0 ? ca : undefined,
      disableSessionResumption: t.disableSessionResumption || undefined,
      pinnedPeerCertificateChainSha256: t.pinnedPeerCertificateChainSha256,
      pinnedPeerCertificatePublicKeySha256: t.pinnedPeerCertificatePublicKeySha256,
      pinnedPeerCertSha256: t.pinnedPeerCertSha256,
      verifyPeerCertByName: t.verifyPeerCertByName,
      clientCertificate,
      minVersion: t.minVersion,
      maxVersion: t.maxVersion,
      ciphers: t.ciphers,
    });
  }
  return { settings: dropUndefined({ ...stream.http, tls, xhttp: stream.xhttp }), warnings };
}

/**
 * Parsed stream settings as a server's: with TLS, the first `encipherment` certificate checked against
 * its key, and with `verifyClientCertificate` the `verifyclient` CAs; otherwise h2c, as v2ray.
 * Throws an InvalidConfig naming the key or file.
 */
export async function listenSettingsOf(stream: StreamSettings, base: string): Promise<LoadedListenSettings> {
  const warnings = [...stream.warnings];
  const t = stream.tls;
  const xhttp = stream.xhttp === undefined ? {} : { xhttp: stream.xhttp };
  if (t === undefined) return { http: stream.http, tls: undefined, h2c: true, ...xhttp, warnings };
  const entry = t.certificates.find((candidate) => candidate.usage === 'encipherment');
  if (entry === undefined) throw invalidConfig('tlsSettings.certificates', 'needs an "encipherment" certificate with its key for a server');
  const pair = await keyPairOf(entry, entry.at ?? 'tlsSettings.certificates', base);
  const clientCa: string[] = [];
  for (const candidate of t.certificates) {
    const key = candidate.at ?? 'tlsSettings.certificates';
    if (candidate.usage === 'verifyclient') {
      if (t.verifyClientCertificate === true) clientCa.push(await caOf(candidate, key, base));
      else warnings.push(`${key} is ignored: "verifyclient" certificates need verifyClientCertificate: true`);
    } else if (candidate.usage === 'verify') warnings.push(`${key} is ignored: "verify" certificates are for a client`);
  }
  for (const clientOnly of [
    'pinnedPeerCertificateChainSha256',
    'pinnedPeerCertificatePublicKeySha256',
    'pinnedPeerCertSha256',
    'verifyPeerCertByName',
    'serverName',
  ] as const) {
    if (t[clientOnly] !== undefined) warnings.push(`${clientOnly} is ignored: it is a client setting`);
  }
  const tls: ServerTlsSettings = dropUndefined({
    ...pair,
    clientCa: clientCa.length > 0 ? clientCa : undefined,
    minVersion: t.minVersion,
    maxVersion: t.maxVersion,
    ciphers: t.ciphers,
    rejectUnknownSni: t.rejectUnknownSni || undefined,
  });
  return { http: stream.http, tls, h2c: false, ...xhttp, warnings };
}

async function keyPairOf(entry: CertificateEntry, key: string, base: string): Promise<{ cert: string; key: string }> {
  const pair = { cert: await certificateOf(entry, key, base), key: await keyOf(entry, key, base) };
  checkKeyPair(pair, `${key}.certificate${entry.certificate === undefined ? 'File' : ''}`, `${key}.key${entry.key === undefined ? 'File' : ''}`);
  return pair;
}

/**
 * Reads a CA file named by `key` (a flag or JSON key): one or more PEM certificates, failing with an
 * {@link InvalidConfig} that says which file and why (unreadable, or no certificate in it: Node would
 * take it as an empty CA list and no handshake would ever verify).
 *
 * @example
 * ```ts
 * const ca = await readCaFile('ca.pem', '--client-ca'); // right('-----BEGIN CERTIFICATE-----…')
 * ```
 */
export async function readCaFile(path: string, key: string): Promise<E.Either<InvalidConfig, string>> {
  return attempt(async () => {
    const pem = await readText(path, key);
    checkCertificates(pem, key);
    return pem;
  });
}

/**
 * Reads a certificate file and a key file, named by `certKey` and `keyKey` (flags or JSON keys), and
 * checks that they are PEM and belong together: a server's pair (`--cert`, `--key`) or a client's
 * (`--client-cert`, `--client-key`).
 *
 * @example
 * ```ts
 * const pair = await readKeyPairFiles('cert.pem', 'key.pem', '--cert', '--key'); // right({ cert, key })
 * ```
 */
export async function readKeyPairFiles(
  certFile: string,
  keyFile: string,
  certKey: string,
  keyKey: string,
): Promise<E.Either<InvalidConfig, { cert: string; key: string }>> {
  return attempt(async () => {
    const pair = { cert: await readText(certFile, certKey), key: await readText(keyFile, keyKey) };
    checkKeyPair(pair, certKey, keyKey);
    return pair;
  });
}

/**
 * Checks that a certificate and key are valid PEM and belong together, as a TLS server would at start.
 *
 * @example
 * ```ts
 * checkServerTls({ cert, key }, '--cert', '--key'); // right(pair), or left naming the bad one
 * ```
 */
export function checkServerTls(pair: ServerTlsSettings, certKey: string, keyKey: string): E.Either<InvalidConfig, ServerTlsSettings> {
  try {
    checkKeyPair(pair, certKey, keyKey);
    return E.right(pair);
  } catch (error) {
    if (isInvalidConfig(error)) return E.left(error);
    throw error;
  }
}

async function readStreamSettings(file: string): Promise<StreamSettings> {
  const text = await readText(file, '--stream-settings');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidConfig('--stream-settings', `${file} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = parseStreamSettings(json);
  if (E.isLeft(parsed)) throw configErrorIn(file, parsed.left);
  return parsed.right;
}

async function certificateOf(entry: CertificateEntry, key: string, base: string): Promise<string> {
  if (entry.certificate !== undefined) return entry.certificate;
  return readText(resolve(base, entry.certificateFile ?? ''), `${key}.certificateFile`);
}

// A CA entry with no certificate in it would trust nothing, silently.
async function caOf(entry: CertificateEntry, key: string, base: string): Promise<string> {
  const pem = await certificateOf(entry, key, base);
  checkCertificates(pem, `${key}.certificate${entry.certificate === undefined ? 'File' : ''}`);
  return pem;
}

async function keyOf(entry: CertificateEntry, key: string, base: string): Promise<string> {
  if (entry.key !== undefined) return entry.key;
  return readText(resolve(base, entry.keyFile ?? ''), `${key}.keyFile`);
}

async function readText(path: string, key: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw invalidConfig(key, `cannot read ${path}: ${why}`);
  }
}

async function attempt<A>(run: () => Promise<A>): Promise<E.Either<InvalidConfig, A>> {
  try {
    return E.right(await run());
  } catch (error) {
    if (isInvalidConfig(error)) return E.left(error);
    throw error;
  }
}
