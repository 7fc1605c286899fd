import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { resolveDialSettings } from '../../src/settings/resolve-dial-settings.js';
import type { DialSettings } from '../../src/settings/settings.js';
import { parseStreamSettings } from '../../src/v2ray-config/stream-settings.js';
import { isInvalidConfig, isTlsRequired } from '../../src/errors/error-guards.js';

// Values shaped like the real thing (the right keys, wrong or odd values) find more than pure noise.
const anyValue = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.double(), fc.string(), fc.array(fc.string()), fc.constant(null));
const httpSettings = fc.record(
  {
    host: fc.oneof(anyValue, fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)))),
    path: anyValue,
    method: anyValue,
    headers: fc.oneof(anyValue, fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(anyValue), anyValue))),
    read_idle_timeout: anyValue,
    health_check_timeout: anyValue,
  },
  { requiredKeys: [] },
);
const tlsSettings = fc.record(
  {
    serverName: anyValue,
    allowInsecure: anyValue,
    certificates: fc.oneof(anyValue, fc.array(fc.dictionary(fc.constantFrom('certificateFile', 'keyFile', 'certificate', 'key', 'usage', 'x'), anyValue))),
  },
  { requiredKeys: [] },
);
const streamSettings = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      network: fc.oneof(fc.constantFrom('http', 'h2', 'tcp'), anyValue),
      security: fc.oneof(fc.constantFrom('tls', 'none', ''), anyValue),
      httpSettings,
      tlsSettings,
      extra: anyValue,
    },
    { requiredKeys: [] },
  ),
);
const dialSettings = fc.record(
  {
    host: anyValue,
    path: anyValue,
    method: anyValue,
    headers: fc.oneof(anyValue, fc.dictionary(fc.string(), fc.oneof(anyValue, fc.array(anyValue)))),
    readIdleTimeout: anyValue,
    healthCheckTimeout: anyValue,
    tls: fc.oneof(anyValue, fc.record({ serverName: anyValue, allowInsecure: anyValue, ca: anyValue }, { requiredKeys: [] })),
    h2c: anyValue,
    zeroRtt: anyValue,
    connectTimeout: anyValue,
    responseTimeout: anyValue,
  },
  { requiredKeys: [] },
);

describe('reliability: config fuzzing', function () {
  this.timeout(30_000);

  it('parseStreamSettings never throws for arbitrary JSON, and every Left is a typed InvalidConfig', () => {
    fc.assert(
      fc.property(streamSettings, (json) => {
        const result = parseStreamSettings(json);
        if (E.isLeft(result)) assert.ok(isInvalidConfig(result.left), String(result.left));
      }),
      { numRuns: 2_000 },
    );
  });

  it('resolveDialSettings never throws for arbitrary input, and every Left is InvalidConfig or TlsRequired', () => {
    fc.assert(
      fc.property(dialSettings, (settings) => {
        const result = resolveDialSettings(settings as DialSettings);
        if (E.isLeft(result)) assert.ok(isInvalidConfig(result.left) || isTlsRequired(result.left), String(result.left));
      }),
      { numRuns: 2_000 },
    );
  });

  it('settings parsed from any valid-looking JSON resolve without throwing', () => {
    fc.assert(
      fc.property(streamSettings, (json) => {
        const parsed = parseStreamSettings(json);
        if (E.isLeft(parsed)) return;
        const tls = parsed.right.tls;
        const result = resolveDialSettings({
          ...parsed.right.http,
          ...(tls === undefined ? { h2c: true } : { tls: { serverName: tls.serverName, allowInsecure: tls.allowInsecure } }),
        });
        if (E.isLeft(result)) assert.ok(isInvalidConfig(result.left), String(result.left));
      }),
      { numRuns: 1_000 },
    );
  });
});
