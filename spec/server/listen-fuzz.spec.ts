import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { isTransportError } from '../../src/errors/error-guards.js';
import { listen } from '../../src/server/listen.js';

const odd = fc.oneof(fc.anything(), fc.constant(undefined), fc.constant(null), fc.integer({ min: -5, max: 70_000 }), fc.string(), fc.boolean());

describe('listen: fuzzed options', function () {
  this.timeout(60_000);

  it('rejects only with typed errors, never a TypeError; what it accepts it serves and closes', async () => {
    const options = fc.oneof(
      fc.anything(),
      fc.record(
        {
          listen: fc.oneof(fc.constantFrom('127.0.0.1:0', 'unix:', ':0', '127.0.0.1:99999', '[::1'), odd),
          h2c: odd,
          tls: fc.oneof(odd, fc.record({ cert: odd, key: odd }, { requiredKeys: [] })),
          host: fc.oneof(odd, fc.array(odd)),
          path: odd,
          headers: fc.oneof(odd, fc.dictionary(fc.string(), odd)),
          maxConcurrentStreams: odd,
          maxHeaderListSize: odd,
          maxSessionsPerAddress: odd,
          trustForwardedFor: fc.oneof(odd, fc.array(odd)),
          readIdleTimeoutMs: odd,
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(options, async (value) => {
        const outcome = await listen(value as never).then(
          async (server) => {
            await server.close();
            return undefined;
          },
          (e: unknown) => e,
        );
        if (outcome !== undefined) assert.ok(isTransportError(outcome), `untyped: ${outcome instanceof Error ? outcome.stack : typeof outcome}`);
      }),
      { numRuns: 300 },
    );
  });
});
