import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { startFaultServer, type FaultServer } from '../../src/testing/index.js';
import { useCliFixture } from './support/cli-fixture.js';
import { driveEnd } from './support/stuck-end.js';

// A hostile server that advertises SETTINGS_MAX_CONCURRENT_STREAMS = 0: an application that keeps
// reconnecting made the client open ~400 TLS sessions a second, forever, and SIGTERM did not end it.
describe('CLI client against a server that allows zero streams', function () {
  this.timeout(30_000);
  const fx = useCliFixture('cli-zero-streams-');
  let server: FaultServer;
  before(async () => (server = await startFaultServer({ h2c: true, maxConcurrentStreams: 0 })));
  after(() => server.close());

  it('resets each local connection with a typed error, holds a bounded number of sessions, and exits on SIGTERM within the drain timeout', async () => {
    const { cli, port } = await fx.start(['client', '--listen', '127.0.0.1:0', '--server', server.address, '--h2c', '--drain-timeout', '2']);
    const before = server.stats().connections;
    const deadline = Date.now() + 2_000;
    let attempts = 0;
    while (Date.now() < deadline) {
      const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      // The refusal can be so quick that the reset lands before Node reports the connect.
      const how = await once(socket, 'connect').then(
        () => {
          socket.write('hello?');
          return driveEnd(socket, 'idle', 5_000)
            .watch()
            .then((ending) => ending.how);
        },
        (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? 'reset' : String(error.code)),
      );
      socket.destroy();
      assert.equal(how, 'reset', `attempt ${attempts}`);
      attempts++;
    }
    const opened = server.stats().connections - before;
    assert.ok(attempts >= 5, `only ${attempts} attempts in 2 s`);
    assert.ok(opened <= 3, `${opened} TCP connections for ${attempts} local connections`);
    const line = await cli.waitFor((l) => l.msg === 'tunnel failed to open', 'the failure line');
    assert.equal(line.tag, 'ProtocolError', JSON.stringify(line));
    assert.match(String(line.error), /allows no streams/);
    const signalled = Date.now();
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exited, 0, cli.stderr());
    assert.ok(Date.now() - signalled < 3_000, `exited ${Date.now() - signalled} ms after SIGTERM`);
  });
});
