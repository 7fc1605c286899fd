import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { destinationOf } from '../../src/settings/destination.js';
import { isInvalidConfig, isTransportError } from '../../src/errors/error-guards.js';
import { listen } from '../../src/server/listen.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('dial: the destination it is handed', function () {
  this.timeout(20_000);

  it('reads host:port, { host, port } and the AddressInfo a bound server reports', () => {
    assert.deepEqual(destinationOf('tunnel.test'), E.right({ host: 'tunnel.test', port: 443 }));
    assert.deepEqual(destinationOf('[::1]:8443'), E.right({ host: '::1', port: 8443 }));
    assert.deepEqual(destinationOf({ host: 'tunnel.test', port: 8443 }), E.right({ host: 'tunnel.test', port: 8443 }));
    assert.deepEqual(destinationOf({ address: '127.0.0.1', family: 'IPv4', port: 9 }), E.right({ host: '127.0.0.1', port: 9 }));
  });

  it('reads the same text the same way every time, and a bad text is refused every time', () => {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(destinationOf('tunnel.test:8443'), E.right({ host: 'tunnel.test', port: 8443 }));
      assert.ok(E.isLeft(destinationOf('tunnel.test:99999')));
    }
  });

  for (const [what, value, message] of [
    ['null', null, /destination: must be "host:port" or \{ host, port \}, got null/],
    ['undefined', undefined, /got undefined/],
    ['a number', 443, /got 443/],
    ['an object without a host', { port: 443 }, /needs a host name or address, got undefined/],
    ['a port out of range', { host: 'a.test', port: 70_000 }, /port must be an integer from 1 to 65535, got 70000/],
    ['a port as text', { host: 'a.test', port: '443' }, /got "443"/],
    ['a unix socket path', '/run/h2tunnel.sock', /"\/run\/h2tunnel\.sock" is not a host name or IP address/],
    ['a host with a space', { host: 'tunnel test', port: 443 }, /is not a host name/],
  ] as const) {
    it(`refuses ${what} with a typed InvalidConfig naming destination`, async () => {
      const error = await openTunnel(value as never, { h2c: true }).then(
        () => assert.fail('dialled'),
        (e: unknown) => e,
      );
      assert.ok(isInvalidConfig(error) && error.key === 'destination', String(error));
      assert.match(error.message, message);
    });
  }

  it("dials the address listen()'s server reports, as README's dial(server.address, …) does", async () => {
    const server = await listen({ listen: '127.0.0.1:0', h2c: true });
    server.connections.subscribe((connection) => connection.toDuplex().pipe(connection.toDuplex()));
    const manager = new SessionManager();
    try {
      const connection = await openTunnel(server.address, { h2c: true }, { manager });
      connection.close();
    } finally {
      await manager.close();
      await server.close();
    }
  });

  it('fuzzed: only typed errors, never a TypeError', async () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.record({ host: fc.anything(), port: fc.anything() }, { requiredKeys: [] }),
      fc.record({ address: fc.anything(), family: fc.string(), port: fc.anything() }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(anything, fc.anything(), async (destination, settings) => {
        // The rare destination that parses is dialled: whatever happens then, the error is typed.
        const error = await openTunnel(destination as never, settings as never, { manager: new SessionManager() }).then(
          (connection) => (connection.close(), undefined),
          (e: unknown) => e,
        );
        if (error !== undefined) assert.ok(isTransportError(error), `untyped: ${error instanceof Error ? error.stack : typeof error}`);
      }),
      { numRuns: 300 },
    );
  });

  it('fuzzed settings with a good destination: only typed errors', async () => {
    const manager = new SessionManager();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.anything(), fc.record({ h2c: fc.anything(), tls: fc.anything(), connectTimeoutMs: fc.anything() }, { requiredKeys: [] })),
          async (settings) => {
            // Nothing listens on port 1: a dial that gets that far is refused at once.
            const error = await openTunnel('127.0.0.1:1', settings as never, { manager }).then(
              () => undefined,
              (e: unknown) => e,
            );
            assert.ok(isTransportError(error), `untyped: ${error instanceof Error ? error.stack : typeof error}`);
          },
        ),
        { numRuns: 200 },
      );
    } finally {
      await manager.close();
    }
  });
});
