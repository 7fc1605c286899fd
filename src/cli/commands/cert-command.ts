import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { invalidConfig, type InvalidConfig } from '../../errors/transport-error.js';
import { selfSignedCertificate } from '../../tls/self-signed.js';

/** The `h2tunnel cert` flags. */
export interface CertFlags {
  readonly name: readonly string[];
  readonly out: string;
  readonly days: number;
}

/** Where the certificate went, and the text that tells the operator what to do with it. */
export interface CertResult {
  readonly certFile: string;
  readonly keyFile: string;
  readonly instructions: string;
}

/**
 * Writes a self-signed certificate for `name` as `cert.pem` and `key.pem` (0600) in `out`, never over
 * existing files, and returns how to start a server with it and point a client at it.
 *
 * @example
 * ```ts
 * const { instructions } = await writeCertificate({ name: ['tunnel.example'], out: '.', days: 365 });
 * ```
 */
export async function writeCertificate(flags: CertFlags): Promise<CertResult> {
  const [first] = flags.name;
  if (first === undefined) throw invalidConfig('--name', 'needs at least one name');
  const pair = await selfSignedCertificate(flags.name, flags.days);
  const dir = resolve(flags.out);
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw writeError('--out', dir, error);
  });
  // An existing key is somebody's: check both names first so nothing is half-written, and 'wx' below
  // still refuses if one appears meanwhile.
  for (const file of [certFile, keyFile]) {
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (exists) throw writeError('--out', file, Object.assign(new Error('exists'), { code: 'EEXIST' }));
  }
  await writeFile(certFile, pair.cert, { flag: 'wx', mode: 0o644 }).catch((error: unknown) => {
    throw writeError('--out', certFile, error);
  });
  await writeFile(keyFile, pair.key, { flag: 'wx', mode: 0o600 }).catch((error: unknown) => {
    throw writeError('--out', keyFile, error);
  });
  const hosts = flags.name.join(',');
  const instructions = [
    `Wrote ${certFile} and ${keyFile} (self-signed for ${flags.name.join(', ')}, valid ${flags.days} days).`,
    '',
    'Server:',
    `  h2tunnel server --listen 0.0.0.0:443 --forward 127.0.0.1:8080 --cert ${certFile} --key ${keyFile} --host ${hosts}`,
    '',
    `Client (copy ${certFile} to the client machine; it is the only CA this client trusts):`,
    `  h2tunnel client --listen 127.0.0.1:1080 --server SERVER_ADDRESS:443 --server-name ${first} --ca ${certFile} --host ${hosts}`,
    '',
    'A v2ray client trusts it with tlsSettings: {"serverName": "' + first + '", "certificates": [{"usage": "verify", "certificateFile": "cert.pem"}]}.',
    `Keep ${keyFile} secret: it never leaves the server.`,
  ].join('\n');
  return { certFile, keyFile, instructions };
}

function writeError(key: string, path: string, error: unknown): InvalidConfig {
  const code = (error as { code?: string }).code;
  const why = code === 'EEXIST' ? 'already exists (remove it or choose another --out)' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return invalidConfig(key, `cannot write ${path}: ${why}`);
}
