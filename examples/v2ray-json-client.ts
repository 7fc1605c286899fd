/**
 * v2ray JSON: a client configured from the `streamSettings` of a v2ray (or v2fly / Xray) config file,
 * so an existing outbound can move to h2tunnel unchanged. `parseStreamSettings` validates the JSON
 * (wrong types and unknown keys are an `InvalidConfig` naming the key); a few lines turn it into
 * `DialSettings`: the `verify` certificates become the trusted CAs, as in v2ray.
 *
 * The far end is an in-process h2tunnel server; a real v2ray 4.34 server with the same settings
 * answers the same way.
 *
 * Run: npx tsx examples/v2ray-json-client.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { listen, parseStreamSettings, selfSignedCertificate, type DialSettings, type StreamSettings } from '../src/index.js';
import { openTunnel } from '../src/index.js';

/** The client half of a v2ray `streamSettings` object as `DialSettings`. */
function toDialSettings(stream: StreamSettings): DialSettings {
  if (stream.tls === undefined) return { ...stream.http, h2c: true };
  const ca = stream.tls.certificates
    .filter((entry) => entry.usage === 'verify')
    .flatMap((entry) => (entry.certificate === undefined ? [] : [entry.certificate]));
  return { ...stream.http, tls: { serverName: stream.tls.serverName, allowInsecure: stream.tls.allowInsecure, ca: ca.length > 0 ? ca : undefined } };
}

const { cert, key } = await selfSignedCertificate(['tunnel.test']);
const server = await listen({ listen: '127.0.0.1:0', tls: { cert, key }, host: ['tunnel.test'], path: '/tun' });
server.connections.subscribe((conn) => conn.toDuplex().pipe(conn.toDuplex()));
const port = typeof server.address === 'string' ? 0 : server.address.port;

// What would sit under `outbounds[0].streamSettings` of a v2ray client config.
const streamSettingsJson = {
  network: 'http',
  security: 'tls',
  httpSettings: { host: ['tunnel.test'], path: '/tun', read_idle_timeout: 10, health_check_timeout: 15 },
  tlsSettings: { serverName: 'tunnel.test', allowInsecure: false, certificates: [{ usage: 'verify', certificate: cert.trim().split('\n') }] },
};
const dir = await mkdtemp(join(tmpdir(), 'h2tunnel-example-'));

try {
  const file = join(dir, 'stream-settings.json');
  await writeFile(file, JSON.stringify(streamSettingsJson, null, 2));

  const parsed = parseStreamSettings(JSON.parse(await readFile(file, 'utf8')) as unknown);
  if (E.isLeft(parsed)) throw parsed.left;
  for (const warning of parsed.right.warnings) console.warn(`warning: ${warning}`);
  const settings = toDialSettings(parsed.right);
  console.log(`dialing 127.0.0.1:${port} as ${settings.host?.join(',')}${settings.path} (TLS, CA from the JSON)`);

  const conn = await openTunnel(`127.0.0.1:${port}`, settings);
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => conn.output.subscribe({ next: (c) => chunks.push(c), error: reject, complete: resolve }));
  conn.input.next(Buffer.from('configured by v2ray JSON'));
  conn.input.complete();
  await done;
  const reply = Buffer.concat(chunks).toString('utf8');
  console.log(`echoed: ${reply}`);
  assert.equal(reply, 'configured by v2ray JSON');

  // The same parser refuses what v2ray would not understand, naming the key.
  const typo = parseStreamSettings({ ...streamSettingsJson, httpSettings: { hosts: ['tunnel.test'] } });
  assert.ok(E.isLeft(typo));
  console.log(`rejected: ${typo.left.message}`);
} finally {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
