import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import { resolveXhttpDial } from '../../../src/client/xhttp/xhttp-dial-plan.js';
import { isTransportError } from '../../../src/errors/error-guards.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import { XHTTP_DEFAULTS } from '../../../src/settings/xhttp-settings.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';

const target = { host: 'tunnel.test', port: 443 };

describe('resolveXhttpDial', () => {
  const plan = (settings: DialSettings) => {
    const resolved = resolveXhttpDial(target, settings);
    assert.ok(E.isRight(resolved), JSON.stringify(resolved));
    return resolved.right;
  };
  const refusedKey = (settings: DialSettings) => {
    const resolved = resolveXhttpDial(target, settings);
    assert.ok(E.isLeft(resolved));
    return resolved.left._tag === 'InvalidConfig' ? resolved.left.key : resolved.left._tag;
  };

  it("picks the wire as Xray's client: h2 over TLS, HTTP/1.1 in cleartext, h2c only when asked", () => {
    assert.deepEqual(plan({ tls: {}, xhttp: {} }).wire, { version: '2' });
    assert.deepEqual(plan({ tls: {}, xhttp: { httpVersion: '1.1' } }).wire, { version: '1.1', tls: true });
    assert.deepEqual(plan({ xhttp: {} }).wire, { version: '1.1', tls: false });
    assert.deepEqual(plan({ h2c: true, xhttp: {} }).wire, { version: '2' });
    assert.equal(refusedKey({ xhttp: { httpVersion: '2' } }), 'xhttp.httpVersion');
    assert.equal(refusedKey({ h2c: true, xhttp: { httpVersion: '1.1' } }), 'xhttp.httpVersion');
  });

  it('resolves auto to packet-up, POST as the upload method, and the path with its trailing slash', () => {
    const resolved = plan({ path: '/tun?ed=2048', xhttp: {} });
    assert.equal(resolved.mode, 'packet-up');
    assert.equal(resolved.head.uploadMethod, 'POST');
    assert.deepEqual(resolved.head.path, { base: '/tun/', query: 'ed=2048' });
    assert.equal(plan({ method: 'put', xhttp: { mode: 'stream-one' } }).head.uploadMethod, 'PUT');
    assert.equal(refusedKey({ method: 'GET', xhttp: {} }), 'method');
  });

  it("takes the Host from host, else the TLS server name, else the destination (Xray's order)", () => {
    assert.equal(plan({ host: ['a.test'], tls: { serverName: 'sni.test' }, xhttp: {} }).pickAuthority(), 'a.test');
    assert.equal(plan({ tls: { serverName: 'sni.test' }, xhttp: {} }).pickAuthority(), 'sni.test');
    assert.equal(plan({ xhttp: {} }).pickAuthority(), 'tunnel.test');
  });

  it("hands the pool the xmux limits, Xray's defaults when xmux is absent", () => {
    assert.deepEqual(plan({ tls: {}, xhttp: {} }).dial.reuse, XHTTP_DEFAULTS.xmux);
    assert.deepEqual(plan({ tls: {}, xhttp: { xmux: { maxConcurrency: 2 } } }).dial.reuse?.spread, { kind: 'max-concurrency', tunnels: { from: 2, to: 2 } });
    assert.equal(refusedKey({ tls: {}, xhttp: {}, xmux: { maxConnections: 2 } }), 'xmux');
  });

  it("PINGs an HTTP/2 session after the xmux keep-alive period of silence (Xray's hKeepAlivePeriod: Go's ReadIdleTimeout), 45 s by default", () => {
    assert.deepEqual(plan({ tls: {}, xhttp: {} }).dial.healthCheck, { readIdleMs: 45_000, timeoutMs: 15_000 });
    assert.deepEqual(plan({ tls: {}, xhttp: { xmux: { keepAlivePeriodMs: 10_000 } } }).dial.healthCheck, { readIdleMs: 10_000, timeoutMs: 15_000 });
    // Xray's -1: no PINGs, and no XMUX defaults either.
    const off = plan({ tls: {}, xhttp: { xmux: { keepAlivePeriodMs: 0 } } });
    assert.equal(off.dial.healthCheck.readIdleMs, 0);
    assert.deepEqual(off.dial.reuse?.spread, { kind: 'unlimited' });
    assert.equal(plan({ tls: {}, readIdleTimeoutMs: 5_000, xhttp: {} }).dial.healthCheck.readIdleMs, 5_000);
    assert.equal(refusedKey({ tls: {}, readIdleTimeoutMs: 5_000, xhttp: { xmux: { keepAlivePeriodMs: 10_000 } } }), 'xhttp.xmux.keepAlivePeriodMs');
    assert.equal(refusedKey({ tls: {}, xhttp: { xmux: { keepAlivePeriodMs: 3_600_001 } } }), 'xhttp.xmux.keepAlivePeriodMs');
  });

  it('fuzzed xhttp settings: a dial fails only with typed errors', async () => {
    const manager = new SessionManager();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.anything(),
            fc.record(
              { mode: fc.anything(), paddingBytes: fc.anything(), maxEachPostBytes: fc.anything(), httpVersion: fc.anything(), xmux: fc.anything() },
              { requiredKeys: [] },
            ),
          ),
          fc.anything(),
          async (xhttp, method) => {
            const error = await openTunnel('127.0.0.1:1', { xhttp, method } as never, { manager }).then(
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
