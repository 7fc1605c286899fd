import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { LogLine } from './support/cli-process.js';
import { useCliFixture } from './support/cli-fixture.js';
import { echoThrough } from './support/echo-client.js';

const shuttingDown = (line: LogLine) => String(line.msg).startsWith('shutting down');

// SIGTERM while a tunnel is mid-transfer: no new tunnels, the open one finishes, exit 0.
describe('h2tunnel graceful shutdown', function () {
  this.timeout(90_000);
  const fx = useCliFixture('cli-drain-');
  const pair = async (drain = '10') => {
    const server = await fx.tlsServer(fx.echo.port, '--drain-timeout', drain);
    const client = await fx.tlsClient(server.port, '--drain-timeout', drain, '--log-level', 'debug');
    return { server, client };
  };

  for (const side of ['client', 'server'] as const) {
    it(`SIGTERM to the ${side} mid-transfer: the transfer completes and it exits 0`, async () => {
      const ends = await pair();
      const target = ends[side].cli;
      const result = await echoThrough(ends.client.port, 2 * 1024 * 1024, 4, async (i) => {
        if (i !== 1) return;
        // Signal only once the tunnel is open end to end: this is about an open tunnel finishing.
        await ends.client.cli.waitFor((l) => l.msg === 'tunnel opened', 'the client tunnel');
        await ends.server.cli.waitFor((l) => l.msg === 'tunnel opened', 'the server tunnel');
        target.child.kill('SIGTERM');
        await target.waitFor(shuttingDown, 'the shutdown line');
      }).catch((error: unknown) => {
        throw new Error(`${String(error)}\nclient:\n${ends.client.cli.stderr()}\nserver:\n${ends.server.cli.stderr()}`);
      });
      assert.ok(result.matches, `sent ${result.sent}, got back ${result.received}`);
      assert.equal(await target.exited, 0, target.stderr());
      const last = target.lines.at(-1);
      assert.equal(last?.msg, 'stopped');
    });
  }

  it('a connection accepted just before SIGTERM still gets its tunnel and finishes', async () => {
    const { client } = await pair();
    const result = await echoThrough(client.port, 256 * 1024, 2, async () => {
      client.cli.child.kill('SIGTERM');
      await client.cli.waitFor(shuttingDown, 'the shutdown line');
    });
    assert.ok(result.matches, client.cli.stderr());
    assert.equal(await client.cli.exited, 0);
  });

  it('refuses new connections once draining', async () => {
    const { client } = await pair();
    const open = connect({ port: client.port, host: '127.0.0.1', allowHalfOpen: true });
    open.on('error', () => undefined);
    await new Promise((resolve) => open.once('connect', resolve));
    client.cli.child.kill('SIGTERM');
    await client.cli.waitFor(shuttingDown, 'the shutdown line');
    const refused = await new Promise<string>((resolve) => {
      const late = connect({ port: client.port, host: '127.0.0.1' });
      late.once('connect', () => resolve('connected'));
      late.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    assert.equal(refused, 'ECONNREFUSED');
    open.destroy();
  });

  it('cuts a tunnel that outlives --drain-timeout, then exits 0', async () => {
    const { client } = await pair('0.5');
    const idle = connect({ port: client.port, host: '127.0.0.1', allowHalfOpen: true });
    idle.on('error', () => undefined);
    const closed = new Promise((resolve) => idle.once('close', resolve));
    idle.write('x');
    await new Promise<void>((resolve) => idle.once('data', () => resolve()));
    client.cli.child.kill('SIGTERM');
    assert.equal(await client.cli.exited, 0, client.cli.stderr());
    await closed;
  });

  it('a second signal exits at once without waiting for open tunnels', async () => {
    const { client } = await pair('60');
    const idle = connect({ port: client.port, host: '127.0.0.1', allowHalfOpen: true });
    idle.on('error', () => undefined);
    idle.write('x');
    await new Promise<void>((resolve) => idle.once('data', () => resolve()));
    client.cli.child.kill('SIGINT');
    await client.cli.waitFor(shuttingDown, 'the shutdown line');
    client.cli.child.kill('SIGINT');
    assert.equal(await client.cli.exited, 130);
    idle.destroy();
  });
});
