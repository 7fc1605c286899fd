import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { echoThrough } from './support/echo-client.js';
import { useCliFixture } from './support/cli-fixture.js';
import { ROOT } from './support/cli-process.js';

// A server out of descriptors: libuv's spare-descriptor trick keeps accept() from killing the process, but
// a forward connect then fails (EMFILE) and the tunnels of clients already connected die with it.
// --max-sessions refuses new sessions first, so the descriptors left go to the tunnels.
const DESCRIPTORS = 128; // Node with tsx starts with about 30 open
const FLOOD = 300;

/** `h2tunnel server ARGS` under `ulimit -n DESCRIPTORS`; resolves with its port once it listens. */
async function serverWithFewDescriptors(args: readonly string[]): Promise<{ port: number; alive: () => boolean; stop: () => void }> {
  const command = `ulimit -n ${DESCRIPTORS} && exec "${process.execPath}" --import tsx ${join(ROOT, 'src', 'cli', 'main.ts')} server ${args.join(' ')}`;
  const child = spawn('bash', ['-c', command], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const found = /"address":"127\.0\.0\.1:(\d+)".*server listening/.exec(log);
      if (found !== null) resolve(Number(found[1]));
    });
    child.once('exit', () => reject(new Error(`server exited:\n${log}`)));
  });
  return { port, alive: () => child.exitCode === null && child.signalCode === null, stop: () => child.kill('SIGKILL') };
}

/** Opens `count` h2c connections that send nothing, each one a session the server holds until its header timeout. */
async function flood(port: number, count: number): Promise<Socket[]> {
  const sockets = Array.from({ length: count }, () => connect(port, '127.0.0.1').on('error', () => undefined));
  await Promise.all(sockets.map((socket) => once(socket, 'connect').catch(() => undefined)));
  await new Promise((resolve) => setTimeout(resolve, 500));
  return sockets;
}

describe('CLI server: out of descriptors', function () {
  this.timeout(30_000);
  const fx = useCliFixture('cli-fds-');
  let server: Awaited<ReturnType<typeof serverWithFewDescriptors>> | undefined;
  let attackers: Socket[] = [];
  afterEach(() => {
    server?.stop();
    for (const socket of attackers) socket.destroy();
    attackers = [];
  });

  const common = ['--listen', '127.0.0.1:0', '--h2c', '--header-timeout', '30', '--max-sessions-per-address', '0'];
  const start = async (...extra: string[]) => {
    server = await serverWithFewDescriptors([...common, '--forward', `127.0.0.1:${fx.echo.port}`, ...extra]);
    const client = await fx.start(['client', '--listen', '127.0.0.1:0', '--server', `127.0.0.1:${server.port}`, '--h2c']);
    // The client's session is open before the flood: a client already served.
    assert.ok((await echoThrough(client.port, 1_000)).matches);
    attackers = await flood(server.port, FLOOD);
    return client;
  };

  it(`without a cap, ${FLOOD} idle sessions use up the descriptors: the process lives, but a served client's next tunnel fails`, async () => {
    const client = await start();
    await assert.rejects(echoThrough(client.port, 1_000));
    assert.ok(server?.alive(), 'the server died');
    for (const socket of attackers) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok((await echoThrough(client.port, 1_000)).matches, 'serves again once the flood is gone');
  });

  it(`with --max-sessions 20, the flood is refused and a served client's tunnels keep working`, async () => {
    const client = await start('--max-sessions', '20');
    assert.ok((await echoThrough(client.port, 100_000)).matches);
    assert.ok(server?.alive(), 'the server died');
  });
});
