import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { resolveDialSettings } from '../../src/settings/resolve-dial-settings.js';
import type { DialSettings } from '../../src/settings/settings.js';
import { parseStreamSettings } from '../../src/v2ray-config/stream-settings.js';
import { isInvalidConfig, isTlsRequired } from '../../src/errors/error-guards.js';
import { InvalidArgumentError } from 'commander';
import { count, MAX_WORKERS, seconds, streamCount, workerCount } from '../../src/cli/config/flag-parsers.js';
import { checkListenOptions } from '../../src/server/check-listen-options.js';
import { parseV2rayConfig } from '../../src/v2ray-config/parse-v2ray-config.js';

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
    readIdleTimeoutMs: anyValue,
    healthCheckTimeoutMs: anyValue,
    tls: fc.oneof(anyValue, fc.record({ serverName: anyValue, allowInsecure: anyValue, ca: anyValue }, { requiredKeys: [] })),
    h2c: anyValue,
    zeroRtt: anyValue,
    connectTimeoutMs: anyValue,
    responseTimeoutMs: anyValue,
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

/** How one setting answered a value: accepted, or refused naming this key. */
type Outcome = { readonly accepted: true } | { readonly accepted: false; readonly key: string; readonly message: string };

/** One numeric setting: where it is read, its largest value, and whether 0 and fractions pass. */
interface Limit {
  readonly name: string;
  readonly max: number;
  /** The unit the limit is checked in, per unit of the setting (1000 for seconds against a ms limit). */
  readonly scale?: number;
  readonly min: number;
  readonly integer: boolean;
  readonly read: (value: number) => Outcome;
}

const TIMER = 2 ** 31 - 1;
const HOUR_MS = 3_600_000;
const SETTING = 2 ** 32 - 1;

function outcome(run: () => unknown): Outcome {
  try {
    const result = run();
    if (result !== null && typeof result === 'object' && '_tag' in result && E.isLeft(result as E.Either<unknown, unknown>))
      throw (result as E.Left<unknown>).left;
    return { accepted: true };
  } catch (error) {
    if (error instanceof InvalidArgumentError) return { accepted: false, key: 'flag', message: error.message };
    if (isInvalidConfig(error)) return { accepted: false, key: error.key, message: error.message };
    throw error;
  }
}

const flag = (parse: (text: string) => unknown) => (value: number) => outcome(() => parse(String(value)));
const dial =
  (key: string, extra: DialSettings = {}) =>
  (value: number) =>
    outcome(() => resolveDialSettings({ h2c: true, ...extra, [key]: value }));
const listenOption = (key: string) => (value: number) => outcome(() => checkListenOptions({ listen: '127.0.0.1:0', h2c: true, [key]: value }));
const stream = (key: string) => (value: number) => outcome(() => parseStreamSettings({ network: 'http', httpSettings: { [key]: value } }));
const inbound = { listen: '127.0.0.1', port: 2222, protocol: 'dokodemo-door', settings: { address: '127.0.0.1', port: 22 } };
const whole = (edit: (value: number) => Record<string, unknown>) => (value: number) =>
  outcome(() =>
    parseV2rayConfig({ inbounds: [{ ...inbound, streamSettings: { network: 'http' } }], outbounds: [{ protocol: 'freedom' }], ...edit(value) }, 'json'),
  );

const LIMITS: readonly Limit[] = [
  // CLI flags: every duration flag goes through seconds(), every count through count(), --max-streams through streamCount().
  { name: '--connect-timeout and every other seconds flag', max: TIMER / 1000, scale: 1000, min: 0, integer: false, read: flag(seconds) },
  { name: '--max-sessions-per-address (count)', max: Number.MAX_SAFE_INTEGER, min: 0, integer: true, read: flag(count) },
  { name: '--max-streams', max: SETTING, min: 0, integer: true, read: flag(streamCount) },
  { name: '--workers', max: MAX_WORKERS, min: 1, integer: true, read: flag(workerCount) },
  // The library.
  // Health checks of more than an hour are refused as absurd (they were seconds once: 15000 meant 4 hours).
  { name: 'DialSettings.readIdleTimeoutMs', max: HOUR_MS, min: 0, integer: false, read: dial('readIdleTimeoutMs') },
  { name: 'DialSettings.healthCheckTimeoutMs', max: HOUR_MS, min: 0, integer: false, read: dial('healthCheckTimeoutMs', { readIdleTimeoutMs: 0 }) },
  { name: 'DialSettings.connectTimeoutMs', max: TIMER, min: Number.MIN_VALUE, integer: false, read: dial('connectTimeoutMs') },
  { name: 'DialSettings.responseTimeoutMs', max: TIMER, min: Number.MIN_VALUE, integer: false, read: dial('responseTimeoutMs') },
  { name: 'ListenOptions.maxConcurrentStreams', max: SETTING, min: 1, integer: true, read: listenOption('maxConcurrentStreams') },
  { name: 'ListenOptions.maxHeaderListSize', max: SETTING, min: 1, integer: true, read: listenOption('maxHeaderListSize') },
  { name: 'ListenOptions.handshakeTimeoutMs', max: TIMER, min: 1, integer: true, read: listenOption('handshakeTimeoutMs') },
  { name: 'ListenOptions.headerTimeoutMs', max: TIMER, min: 1, integer: true, read: listenOption('headerTimeoutMs') },
  { name: 'ListenOptions.idleSessionTimeoutMs', max: TIMER, min: 0, integer: true, read: listenOption('idleSessionTimeoutMs') },
  { name: 'ListenOptions.maxSessionsPerAddress', max: Number.MAX_SAFE_INTEGER, min: 0, integer: true, read: listenOption('maxSessionsPerAddress') },
  { name: 'ListenOptions.readIdleTimeoutMs', max: HOUR_MS, min: 0, integer: false, read: listenOption('readIdleTimeoutMs') },
  // JSON keys.
  { name: 'httpSettings.read_idle_timeout', max: TIMER / 1000, scale: 1000, min: 0, integer: false, read: stream('read_idle_timeout') },
  { name: 'httpSettings.health_check_timeout', max: TIMER / 1000, scale: 1000, min: 0, integer: false, read: stream('health_check_timeout') },
  {
    name: 'policy.levels.0.handshake',
    max: TIMER / 1000,
    scale: 1000,
    min: Number.MIN_VALUE,
    integer: false,
    read: whole((value) => ({ policy: { levels: { 0: { handshake: value } } } })),
  },
  {
    name: 'policy.levels.0.connIdle',
    max: TIMER / 1000,
    scale: 1000,
    min: Number.MIN_VALUE,
    integer: false,
    read: whole((value) => ({ policy: { levels: { 0: { connIdle: value } } } })),
  },
  {
    name: 'inbounds[0].settings.userLevel',
    max: SETTING,
    min: 0,
    integer: true,
    read: whole((value) => ({ inbounds: [{ ...inbound, settings: { ...inbound.settings, userLevel: value }, streamSettings: { network: 'http' } }] })),
  },
];

describe("reliability: numbers at and past Node's limits", function () {
  this.timeout(30_000);

  for (const limit of LIMITS) {
    it(`${limit.name}: accepted exactly up to ${limit.max}, refused past it naming the setting`, () => {
      const scale = limit.scale ?? 1;
      const edges = [limit.max, (Math.round(limit.max * scale) + 1) / scale, TIMER / scale, (TIMER + 1) / scale, SETTING, SETTING + 1, 1e15, 1e300];
      const values = fc.oneof(fc.constantFrom(...edges), fc.double({ min: 0, max: limit.max * 4, noNaN: true }), fc.integer({ min: 0, max: 2 ** 40 }));
      fc.assert(
        fc.property(values, (value) => {
          const inRange = value >= limit.min && value * scale <= Math.round(limit.max * scale) && (!limit.integer || Number.isInteger(value));
          const seen = limit.read(value);
          // Below the minimum or a fraction is refused as before; past the maximum is what this is about.
          if (inRange) assert.ok(seen.accepted, `${value} refused: ${seen.accepted ? '' : seen.message}`);
          else if (value * scale > Math.round(limit.max * scale)) {
            assert.ok(!seen.accepted, `${value} accepted`);
            assert.doesNotMatch(seen.key, /^$/, seen.message);
            assert.match(seen.message, /at most/, seen.message);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});

// JSON can hold objects that String() cannot convert ({"toString": 1}); JavaScript callers can pass more.
const hostileJson = fc.constantFrom<unknown>({ toString: 1 }, { toString: 1, valueOf: 1 }, [{ toString: 1 }], { toJSON: 1 }, [[]], {}, 1, true);
const hostile = fc.oneof(
  hostileJson,
  fc.constantFrom<unknown>(10n, [10n], Symbol('s'), () => 1),
);

/** A whole v4 config with one leaf that h2tunnel reads replaced by a hostile value (one, so no earlier key fails first). */
const LEAVES = [
  'network',
  'networks',
  'address',
  'port',
  'userLevel',
  'listen',
  'inboundPort',
  'tag',
  'protocol',
  'host',
  'path',
  'security',
  'redirect',
  'loglevel',
  'handshake',
] as const;
const wholeConfig = fc.tuple(fc.constantFrom(...LEAVES), hostileJson).map(([leaf, value]) => {
  const v: Partial<Record<(typeof LEAVES)[number], unknown>> = { [leaf]: value };
  return {
    log: { loglevel: v.loglevel ?? 'info' },
    policy: { levels: { 0: { handshake: v.handshake ?? 4 } } },
    inbounds: [
      {
        tag: v.tag ?? 'in',
        listen: v.listen ?? '127.0.0.1',
        port: v.inboundPort ?? 2222,
        protocol: v.protocol ?? 'dokodemo-door',
        settings: { address: v.address ?? '127.0.0.1', port: v.port ?? 22, network: v.network ?? 'tcp', networks: v.networks, userLevel: v.userLevel },
        streamSettings: { network: 'http', security: v.security ?? 'none', httpSettings: { host: v.host ?? ['a.test'], path: v.path ?? '/' } },
      },
    ],
    outbounds: [{ protocol: 'freedom', settings: { redirect: v.redirect ?? '' } }],
  };
});

describe('reliability: values that cannot be converted to text', () => {
  it('parseV2rayConfig never throws, and every Left names a key', () => {
    fc.assert(
      fc.property(wholeConfig, (json) => {
        const result = parseV2rayConfig(json, 'json');
        if (E.isLeft(result)) assert.ok(isInvalidConfig(result.left) && result.left.key !== '', String(result.left.message));
      }),
      { numRuns: 500 },
    );
  });

  it('resolveDialSettings and checkListenOptions name the key for a hostile value in any field', () => {
    const fields = ['host', 'path', 'method', 'headers', 'readIdleTimeoutMs', 'connectTimeoutMs', 'tls.serverName', 'tls.minVersion', 'tls.ciphers'];
    fc.assert(
      fc.property(fc.constantFrom(...fields), hostile, fc.boolean(), (field, value, asList) => {
        const [outer, inner] = field.split('.') as [string, string | undefined];
        const put = asList && outer === 'host' ? [value] : value;
        const settings = inner === undefined ? { h2c: true, [outer]: put } : { [outer]: { [inner]: put } };
        const result = resolveDialSettings(settings);
        if (E.isLeft(result)) assert.ok(isInvalidConfig(result.left) && result.left.key !== '', `${field}: ${result.left.message}`);
        const listen = checkListenOptions({ listen: '127.0.0.1:0', h2c: true, ...(inner === undefined ? { [outer]: put } : {}) });
        if (E.isLeft(listen)) assert.ok(listen.left.key !== '', `${field}: ${listen.left.message}`);
      }),
      { numRuns: 1_000 },
    );
  });
});
