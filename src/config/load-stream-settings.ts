import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, isInvalidConfig, type InvalidConfig } from '../errors.js';
import type { ServerTlsSettings } from '../server/server-options.js';
import type { DialSettings, HttpSettings } from './settings.js';
import { parseStreamSettings, type CertificateEntry, type StreamSettings } from './stream-settings.js';

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
  /** True when `security` is not `tls`: a v2ray server then speaks h2c. */
  readonly h2c: boolean;
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
  return attempt(async () => {
    const stream = await readStreamSettings(file);
    const warnings = [...stream.warnings];
    let tls: DialSettings['tls'];
    if (stream.tls !== undefined) {
      const ca: string[] = [];
      for (const [i, entry] of stream.tls.certificates.entries()) {
        const key = `tlsSettings.certificates[${i}]`;
        if (entry.usage === 'verify') ca.push(await certificateOf(entry, key, dirname(file)));
        else warnings.push(`${key} is ignored: client certificates are not supported`);
      }
      tls = dropUndefined({
        serverName: stream.tls.serverName,
        allowInsecure: stream.tls.allowInsecure || undefined,
        ca: ca.length > 0 ? ca : undefined,
        disableSessionResumption: stream.tls.disableSessionResumption || undefined,
      });
    }
    return { settings: dropUndefined({ ...stream.http, tls }), warnings };
  });
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
  return attempt(async () => {
    const stream = await readStreamSettings(file);
    const warnings = [...stream.warnings];
    if (stream.tls === undefined) return { http: stream.http, tls: undefined, h2c: true, warnings };
    const index = stream.tls.certificates.findIndex((entry) => entry.usage === 'encipherment');
    const entry = stream.tls.certificates[index];
    if (entry === undefined) throw invalidConfig('tlsSettings.certificates', 'needs an "encipherment" certificate with its key for a server');
    const key = `tlsSettings.certificates[${index}]`;
    const pair = { cert: await certificateOf(entry, key, dirname(file)), key: await keyOf(entry, key, dirname(file)) };
    checkKeyPair(pair, `${key}.certificate${entry.certificate === undefined ? 'File' : ''}`, `${key}.key${entry.key === undefined ? 'File' : ''}`);
    return { http: stream.http, tls: pair, h2c: false, warnings };
  });
}

/**
 * Reads a PEM file named by `key` (a flag or JSON key), failing with an {@link InvalidConfig} that says
 * which file and why.
 *
 * @example
 * ```ts
 * const cert = await readPemFile('cert.pem', '--cert'); // right('-----BEGIN CERTIFICATE-----…')
 * ```
 */
export async function readPemFile(path: string, key: string): Promise<E.Either<InvalidConfig, string>> {
  return attempt(() => readText(path, key));
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
  if (E.isLeft(parsed)) throw invalidConfig(`${file}: ${parsed.left.key}`, stripKey(parsed.left));
  return parsed.right;
}

async function certificateOf(entry: CertificateEntry, key: string, base: string): Promise<string> {
  if (entry.certificate !== undefined) return entry.certificate;
  return readText(resolve(base, entry.certificateFile ?? ''), `${key}.certificateFile`);
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

// Node accepts any string at createSecureServer time only to fail at the first handshake; checking
// here turns a bad or mismatched pair into a start-up error that names the setting.
function checkKeyPair(pair: ServerTlsSettings, certKey: string, keyKey: string): void {
  try {
    new X509Certificate(pair.cert);
  } catch (error) {
    throw invalidConfig(certKey, `is not a PEM certificate (${opensslReason(error)})`);
  }
  try {
    createPrivateKey(pair.key);
  } catch (error) {
    throw invalidConfig(keyKey, `is not a PEM private key (${opensslReason(error)})`);
  }
  try {
    createSecureContext({ cert: pair.cert, key: pair.key });
  } catch (error) {
    const reason = opensslReason(error);
    throw invalidConfig(
      keyKey,
      /key values mismatch/i.test(reason) ? `does not match the certificate in ${certKey}` : `cannot be used with the certificate (${reason})`,
    );
  }
}

function opensslReason(error: unknown): string {
  return (error as Error).message.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/, '');
}

function stripKey(error: InvalidConfig): string {
  const prefix = `${error.key}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

async function attempt<A>(run: () => Promise<A>): Promise<E.Either<InvalidConfig, A>> {
  try {
    return E.right(await run());
  } catch (error) {
    if (isInvalidConfig(error)) return E.left(error);
    throw error;
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
