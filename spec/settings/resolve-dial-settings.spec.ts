import assert from 'node:assert/strict';
import { resolveDialSettings } from '../../src/settings/resolve-dial-settings.js';
import type { DialSettings, ResolvedDialSettings } from '../../src/settings/settings.js';
import { XHTTP_DEFAULTS } from '../../src/settings/xhttp-settings.js';
import type { TransportError } from '../../src/errors/transport-error.js';
import { tlsSecurity } from '../helpers/tls-security.js';
import { leftOf, rightOf } from '../helpers/either.js';

const right = (settings: DialSettings): ResolvedDialSettings => rightOf(resolveDialSettings(settings));
const left = (settings: DialSettings): TransportError => leftOf(resolveDialSettings(settings));

describe('resolveDialSettings', () => {
  it('refuses to dial without TLS and without explicit h2c, as v2ray (warning)', () => {
    const error = left({ host: ['tunnel.test'] });
    assert.equal(error._tag, 'TlsRequired');
    assert.equal(error.code, 'H2T_ERR_TLS_REQUIRED');
    assert.equal(error.severity, 'warning');
    assert.equal(error.message, 'TLS must be enabled for http transport.');
  });

  it('fills v2ray defaults: www.example.com, path /, PUT', () => {
    const resolved = right({ tls: {} });
    assert.deepEqual(resolved.hosts, ['www.example.com']);
    assert.equal(resolved.path, '/');
    assert.equal(resolved.method, 'PUT');
    assert.deepEqual(resolved.security, tlsSecurity({ serverName: undefined }));
    assert.equal(resolved.zeroRtt, false);
  });

  it('normalizes the path, upper-cases the method and lower-cases header names', () => {
    const resolved = right({ tls: { serverName: 's.test', ca: 'PEM' }, path: 'tun', method: 'post', headers: { 'X-A': '1' } });
    assert.equal(resolved.path, '/tun');
    assert.equal(resolved.method, 'POST');
    assert.deepEqual(resolved.headers, { 'x-a': ['1'] });
    assert.deepEqual(resolved.security, tlsSecurity({ serverName: 's.test', ca: ['PEM'] }));
  });

  it('accepts explicit h2c, and refuses h2c combined with TLS', () => {
    assert.deepEqual(right({ h2c: true }).security, { kind: 'h2c' });
    const error = left({ h2c: true, tls: {} });
    assert.equal(error._tag, 'InvalidConfig');
    assert.equal((error as { key?: string }).key, 'h2c');
  });

  it('takes every duration in milliseconds, with names that say so, and names bad values', () => {
    assert.deepEqual(right({ tls: {}, readIdleTimeoutMs: 2000, healthCheckTimeoutMs: 3000 }).healthCheck, { readIdleMs: 2000, timeoutMs: 3000 });
    assert.deepEqual(right({ tls: {}, readIdleTimeoutMs: 0 }).healthCheck.readIdleMs, 0);
    assert.equal((left({ tls: {}, readIdleTimeoutMs: -1 }) as { key?: string }).key, 'readIdleTimeoutMs');
    assert.equal((left({ tls: {}, readIdleTimeoutMs: 5000, healthCheckTimeoutMs: 0 }) as { key?: string }).key, 'healthCheckTimeoutMs');
    assert.equal((left({ tls: {}, connectTimeoutMs: 0 }) as { key?: string }).key, 'connectTimeoutMs');
  });

  it('leaves the bulk cap off unless asked, and names a bulkCap that is not a boolean', () => {
    assert.equal(right({ tls: {} }).bulkCap, false);
    assert.equal(right({ tls: {}, bulkCap: true }).bulkCap, true);
    const error = left({ tls: {}, bulkCap: 'yes' as unknown as boolean });
    assert.equal(error._tag, 'InvalidConfig');
    assert.equal((error as { key?: string }).key, 'bulkCap');
  });

  it("reuses sessions without limits unless xmux is given; xmux {} is Xray's defaults", () => {
    assert.equal(right({ tls: {} }).reuse, undefined);
    assert.deepEqual(right({ tls: {}, xmux: {} }).reuse, XHTTP_DEFAULTS.xmux);
    assert.deepEqual(right({ tls: {}, xmux: { maxConnections: { from: 2, to: 4 } } }).reuse?.spread, {
      kind: 'max-connections',
      connections: { from: 2, to: 4 },
    });
    assert.equal((left({ tls: {}, xmux: { maxConnections: 2, maxConcurrency: 2 } }) as { key?: string }).key, 'xmux.maxConnections');
    assert.equal((left({ tls: {}, xmux: { maxReuseTimes: -1 } }) as { key?: string }).key, 'xmux.maxReuseTimes');
    assert.equal((left({ tls: {}, xmux: { cMaxReuseTimes: 3 } as never }) as { key?: string }).key, 'xmux.cMaxReuseTimes');
  });

  it('takes the PING period from xmux.keepAlivePeriodMs only when given: it is readIdleTimeoutMs by another name', () => {
    assert.equal(right({ tls: {}, xmux: {} }).healthCheck.readIdleMs, 15_000);
    assert.equal(right({ tls: {}, xmux: { keepAlivePeriodMs: 20_000 } }).healthCheck.readIdleMs, 20_000);
    assert.equal(right({ tls: {}, xmux: { keepAlivePeriodMs: 0 } }).healthCheck.readIdleMs, 0);
    const both = left({ tls: {}, readIdleTimeoutMs: 5_000, xmux: { keepAlivePeriodMs: 20_000 } });
    assert.equal((both as { key?: string }).key, 'xmux.keepAlivePeriodMs');
    assert.match(both.message, /readIdleTimeoutMs/);
  });

  it('refuses a health check of hours: 15000 once meant seconds (4 hours)', () => {
    const error = left({ tls: {}, readIdleTimeoutMs: 15_000 * 1000 });
    assert.equal((error as { key?: string }).key, 'readIdleTimeoutMs');
    assert.match(error.message, /at most 3600000/);
  });

  for (const [old, now] of [
    ['readIdleTimeout', 'readIdleTimeoutMs'],
    ['healthCheckTimeout', 'healthCheckTimeoutMs'],
    ['connectTimeout', 'connectTimeoutMs'],
    ['responseTimeout', 'responseTimeoutMs'],
  ] as const) {
    it(`says what ${old} became: ${now}, in milliseconds`, () => {
      const error = left({ tls: {}, [old]: 5 });
      assert.equal((error as { key?: string }).key, old);
      assert.match(error.message, new RegExp(`renamed ${now}, in milliseconds`));
    });
  }

  it('names invalid hosts, methods and headers', () => {
    assert.equal((left({ tls: {}, host: ['ok.test', 'bad host'] }) as { key?: string }).key, 'host[1]');
    assert.equal((left({ tls: {}, method: 'P U T' }) as { key?: string }).key, 'method');
    assert.equal((left({ tls: {}, headers: { connection: 'close' } }) as { key?: string }).key, 'headers.connection');
    assert.equal((left({ tls: {}, headers: { 'x-a': 'a\r\nb' } }) as { key?: string }).key, 'headers.x-a');
    assert.equal((left({ tls: { serverName: 'a b' } }) as { key?: string }).key, 'tls.serverName');
  });

  it('resumes TLS sessions unless disableSessionResumption, which must be a boolean', () => {
    const resume = (settings: DialSettings) => {
      const security = right(settings).security;
      return security.kind === 'tls' && security.resume;
    };
    assert.equal(resume({ tls: {} }), true);
    assert.equal(resume({ tls: { disableSessionResumption: true } }), false);
    assert.equal((left({ tls: { disableSessionResumption: 'no' as unknown as boolean } }) as { key?: string }).key, 'tls.disableSessionResumption');
  });
});
