/**
 * A whole v2ray config file, run by `h2tunnel run -c` at both ends: `examples/config-files/server.json`
 * and `client.json` are ordinary v2ray 4.x files (comments included) that `v2ray -config FILE` runs too.
 * This example copies them into a scratch directory with a fresh certificate (`cert.pem`, `key.pem`, read
 * from the working directory as v2ray reads them), moves their ports to free ones, runs both, and sends
 * bytes through the client's port to an echo target.
 *
 * Run: npx tsx examples/v2ray-config-file.ts
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selfSignedCertificate } from '../src/index.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dir = await mkdtemp(join(tmpdir(), 'h2tunnel-config-'));
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

// The far end of the tunnels: an echo server.
const echo = createServer((socket) => socket.pipe(socket)).listen(0, '127.0.0.1');
await new Promise((resolve) => echo.once('listening', resolve));
const ports = { '10007': (echo.address() as AddressInfo).port, '10443': await freePort(), '10010': await freePort() };

const { cert, key } = await selfSignedCertificate(['tunnel.test']);
await writeFile(join(dir, 'cert.pem'), cert);
await writeFile(join(dir, 'key.pem'), key, { mode: 0o600 });
for (const name of ['server.json', 'client.json']) {
  const text = await readFile(join(root, 'examples', 'config-files', name), 'utf8');
  await writeFile(
    join(dir, name),
    text.replace(/\b(10007|10443|10010)\b/g, (port) => String(ports[port as keyof typeof ports])),
  );
}

/** `h2tunnel run -c FILE` from source, in the scratch directory; resolves once it listens. */
const run = (file: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const args = ['--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'main.ts'), 'run', '-c', file, '--log-level', 'info'];
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/(server|client) listening/.test(log)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`h2tunnel run -c ${file} exited with ${code}:\n${log}`)));
  });

const server = await run('server.json');
const client = await run('client.json');
try {
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect(ports['10010'], '127.0.0.1', () => socket.end('hello through a v2ray config file'));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
  assert.equal(reply, 'hello through a v2ray config file');
  console.log(`echoed: ${reply}`);
} finally {
  for (const child of [client, server]) {
    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  echo.close();
  await rm(dir, { recursive: true, force: true });
}
