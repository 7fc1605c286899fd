import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { connect } from 'node:net';
import { startUnansweredTarget, type UnansweredTarget } from '../helpers/unanswered-target.js';
import { useCliFixture } from './support/cli-fixture.js';
import { startResetRelay, type ResetRelay } from '../helpers/reset-relay.js';
import { driveEnd } from './support/stuck-end.js';

/** Opens a local connection through `port`, echoes one byte, and leaves it open and quiet. */
async function quietTunnel(port: number) {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(socket, 'connect');
  socket.write('x');
  await once(socket, 'data');
  return driveEnd(socket, 'idle');
}

describe('CLI: timeouts a server facing the internet needs', function () {
  this.timeout(20_000);
  const fx = useCliFixture('cli-timeouts-');
  let unanswered: UnansweredTarget | undefined;
  let relay: ResetRelay | undefined;
  afterEach(async () => {
    await unanswered?.close();
    await relay?.close();
    unanswered = undefined;
    relay = undefined;
  });

  it('--connect-timeout: a target that never answers resets the tunnel with a typed ConnectFailed', async () => {
    unanswered = await startUnansweredTarget();
    const server = await fx.tlsServer(unanswered.port, '--connect-timeout', '1');
    const client = await fx.tlsClient(server.port);
    const socket = connect({ port: client.port, host: '127.0.0.1', allowHalfOpen: true });
    await once(socket, 'connect');
    const started = performance.now();
    const ending = await driveEnd(socket, 'idle').watch();
    const ms = performance.now() - started;
    assert.equal(ending.how, 'reset');
    assert.ok(ms > 900 && ms < 3_000, `reset after ${ms.toFixed(0)} ms`);
    const line = await server.cli.waitFor((l) => l.msg === 'tunnel failed', 'the server logging the connect timeout');
    assert.equal(line.tag, 'ConnectFailed', JSON.stringify(line));
    assert.match(String(line.error), /connecting to the forward target timed out after 1000 ms/);
  });

  it('--idle-timeout on the client: a quiet tunnel is reset at both ends', async () => {
    const server = await fx.tlsServer(fx.echo.port);
    const client = await fx.tlsClient(server.port, '--idle-timeout', '0.5');
    const ending = await (await quietTunnel(client.port)).watch();
    assert.equal(ending.how, 'reset');
    assert.ok(ending.ms < 2_000, `${ending.ms.toFixed(0)} ms`);
    const line = await client.cli.waitFor((l) => l.msg === 'tunnel failed', 'the client logging the idle tunnel');
    assert.equal(line.tag, 'Timeout', JSON.stringify(line));
    await server.cli.waitFor((l) => l.msg === 'tunnel failed' && l.tag === 'StreamReset', 'the server seeing the tunnel reset');
  });

  it('--idle-timeout on the server: a quiet tunnel is reset at both ends', async () => {
    const server = await fx.tlsServer(fx.echo.port, '--idle-timeout', '0.5');
    const client = await fx.tlsClient(server.port);
    const ending = await (await quietTunnel(client.port)).watch();
    assert.equal(ending.how, 'reset');
    assert.ok(ending.ms < 2_000, `${ending.ms.toFixed(0)} ms`);
    const line = await server.cli.waitFor((l) => l.msg === 'tunnel failed', 'the server logging the idle tunnel');
    assert.equal(line.tag, 'Timeout', JSON.stringify(line));
  });

  it('a client that vanishes without a FIN is found by the PING health check, and its forward connections reset', async () => {
    const server = await fx.tlsServer(fx.echo.port, '--read-idle-timeout', '0.5', '--health-check-timeout', '0.5');
    relay = await startResetRelay(server.port);
    const client = await fx.tlsClient(relay.port, '--read-idle-timeout', '0');
    await quietTunnel(client.port);
    relay.silence();
    const line = await server.cli.waitFor((l) => l.msg === 'tunnel failed', 'the server failing the dead client tunnel', 5_000);
    assert.equal(line.tag, 'SessionClosed', JSON.stringify(line));
    assert.match(String(line.error), /health check failed/);
  });
});
