import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { useCliFixture, type StartedCli } from './support/cli-fixture.js';
import { startResetRelay, type ResetRelay } from '../helpers/reset-relay.js';
import { driveEnd, type EndMode, type StuckEnd } from './support/stuck-end.js';

// What each end does when the link dies: quiet, or blocked writing one way or the other.
const MODES: readonly { readonly name: string; readonly app: EndMode; readonly target: EndMode }[] = [
  { name: 'idle', app: 'idle', target: 'idle' },
  { name: 'blocked writing up', app: 'flooding', target: 'not-reading' },
  { name: 'blocked writing down', app: 'not-reading', target: 'flooding' },
];
const WITHIN_MS = 3_000;

/** A forward target whose connections are driven in one mode; resolves each as it is accepted. */
function startTarget(): Promise<{ server: Server; port: number; next(mode: EndMode): Promise<StuckEnd> }> {
  const waiting: ((socket: Socket) => void)[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => undefined);
    waiting.shift()?.(socket);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        next: (mode) => new Promise((accepted) => waiting.push((socket) => accepted(driveEnd(socket, mode)))),
      }),
    ),
  );
}

describe('CLI: a tunnel cut off is reset at both ends, never ended as if complete', function () {
  this.timeout(30_000);
  const fx = useCliFixture('cli-honest-');
  let relay: ResetRelay | undefined;
  let target: Awaited<ReturnType<typeof startTarget>>;

  before(async () => (target = await startTarget()));
  after(() => {
    target.server.close();
    target.server.unref();
  });
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
  });

  /** Server and client CLIs with a relay between them, and one tunnel app ↔ target in `mode`. */
  async function tunnel(h2c: boolean, mode: (typeof MODES)[number]) {
    const security = h2c ? ['--h2c'] : [];
    const server = h2c
      ? await fx.start(['server', '--listen', '127.0.0.1:0', '--forward', `127.0.0.1:${target.port}`, '--h2c', '--log-level', 'debug'])
      : await fx.tlsServer(target.port);
    relay = await startResetRelay(server.port);
    const client: StartedCli = h2c
      ? await fx.start(['client', '--listen', '127.0.0.1:0', '--server', `127.0.0.1:${relay.port}`, ...security, '--log-level', 'debug'])
      : await fx.tlsClient(relay.port, '--log-level', 'debug');
    const accepted = target.next(mode.target);
    const socket = connect({ port: client.port, host: '127.0.0.1', allowHalfOpen: true });
    await once(socket, 'connect');
    if (mode.app === 'idle') socket.write('x');
    const app = driveEnd(socket, mode.app);
    const far = await accepted;
    // Long enough for every buffer on the way to fill in the blocked modes.
    await new Promise((resolve) => setTimeout(resolve, 400));
    return { server, client, relay, app, far, socket };
  }

  for (const h2c of [false, true]) {
    const security = h2c ? 'h2c' : 'TLS';
    for (const mode of MODES) {
      it(`server killed (${security}, ${mode.name}): the application's connection is reset within ${WITHIN_MS / 1000} s`, async () => {
        const { server, app, client } = await tunnel(h2c, mode);
        server.cli.child.kill('SIGKILL');
        const ending = await app.watch();
        assert.equal(ending.how, 'reset', `the application saw ${ending.how}`);
        assert.ok(ending.ms < WITHIN_MS, `${ending.ms.toFixed(0)} ms`);
        const line = await client.cli.waitFor((l) => l.msg === 'tunnel failed', 'the client logging the cut tunnel');
        assert.equal(line.tag, 'SessionClosed', JSON.stringify(line));
      });

      it(`client killed (${security}, ${mode.name}): the forward connection is reset within ${WITHIN_MS / 1000} s`, async () => {
        const { client, far, server } = await tunnel(h2c, mode);
        client.cli.child.kill('SIGKILL');
        const ending = await far.watch();
        assert.equal(ending.how, 'reset', `the target saw ${ending.how}`);
        assert.ok(ending.ms < WITHIN_MS, `${ending.ms.toFixed(0)} ms`);
        const line = await server.cli.waitFor((l) => l.msg === 'tunnel failed', 'the server logging the cut tunnel');
        assert.equal(line.tag, 'SessionClosed', JSON.stringify(line));
      });

      it(`link reset by a relay (${security}, ${mode.name}): both ends are reset, neither sees a FIN`, async () => {
        const cut = await tunnel(h2c, mode);
        cut.relay.reset();
        const [app, far] = await Promise.all([cut.app.watch(), cut.far.watch()]);
        assert.deepEqual([app.how, far.how], ['reset', 'reset']);
        assert.ok(Math.max(app.ms, far.ms) < WITHIN_MS, `${app.ms.toFixed(0)} / ${far.ms.toFixed(0)} ms`);
      });
    }
  }

  it('an application that resets its connection is logged as the local side failing, and the target is reset', async () => {
    const { client, far, socket } = await tunnel(false, { name: 'idle', app: 'idle', target: 'idle' });
    socket.resetAndDestroy();
    const ending = await far.watch();
    assert.equal(ending.how, 'reset', `the target saw ${ending.how}`);
    const line = await client.cli.waitFor((l) => l.msg === 'tunnel failed', 'the client logging the tunnel');
    assert.equal(line.tag, 'SocketFailed', JSON.stringify(line));
    assert.match(String(line.error), /local 127\.0\.0\.1:\d+/);
  });
});
