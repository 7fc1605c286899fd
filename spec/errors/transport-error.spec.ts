import assert from 'node:assert/strict';
import * as errors from '../../src/errors/transport-error.js';
import * as guards from '../../src/errors/error-guards.js';
import type { TransportError } from '../../src/errors/transport-error.js';

describe('transport errors', () => {
  const cause = new Error('boom');
  const cases: [TransportError, string, string, errors.Severity, (u: unknown) => boolean][] = [
    [errors.tlsRequired(), 'TlsRequired', 'H2T_ERR_TLS_REQUIRED', 'warning', guards.isTlsRequired],
    [errors.connectFailed('127.0.0.1:1', cause), 'ConnectFailed', 'H2T_ERR_CONNECT', 'warning', guards.isConnectFailed],
    [errors.tlsVerifyFailed('self signed', cause), 'TlsVerifyFailed', 'H2T_ERR_TLS_VERIFY', 'error', guards.isTlsVerifyFailed],
    [errors.alpnMismatch('http/1.1'), 'AlpnMismatch', 'H2T_ERR_ALPN', 'error', guards.isAlpnMismatch],
    [errors.unexpectedStatus(404), 'UnexpectedStatus', 'H2T_ERR_STATUS', 'warning', guards.isUnexpectedStatus],
    [errors.sessionClosed('GOAWAY'), 'SessionClosed', 'H2T_ERR_SESSION_CLOSED', 'warning', guards.isSessionClosed],
    [errors.streamReset(8), 'StreamReset', 'H2T_ERR_STREAM_RESET', 'info', guards.isStreamReset],
    [errors.timeout('connect', 5), 'Timeout', 'H2T_ERR_TIMEOUT', 'warning', guards.isTimeout],
    [errors.invalidConfig('path', 'bad'), 'InvalidConfig', 'H2T_ERR_CONFIG', 'error', guards.isInvalidConfig],
    [errors.protocolError('odd'), 'ProtocolError', 'H2T_ERR_PROTOCOL', 'warning', guards.isTag('ProtocolError')],
    [errors.socketFailed('local 127.0.0.1:1', cause), 'SocketFailed', 'H2T_ERR_SOCKET', 'warning', guards.isSocketFailed],
    [errors.listenFailed('127.0.0.1:1'), 'ListenFailed', 'H2T_ERR_LISTEN', 'error', guards.isTag('ListenFailed')],
  ];

  for (const [error, tag, code, severity, guard] of cases) {
    it(`${tag}: tag, code, severity, a real Error, and its guard`, () => {
      assert.equal(error._tag, tag);
      assert.equal(error.code, code);
      assert.equal(error.severity, severity);
      assert.ok(error instanceof Error);
      assert.equal(typeof error.stack, 'string');
      assert.equal(error.name, `TransportError(${tag})`);
      assert.ok(guards.isTransportError(error));
      assert.ok(guard(error));
      // Each guard accepts exactly its own variant.
      for (const [, otherTag, , , otherGuard] of cases) if (otherTag !== tag) assert.equal(otherGuard(error), false, `${otherTag} guard on ${tag}`);
    });
  }

  it('has a distinct tag and code per variant', () => {
    assert.equal(new Set(cases.map(([e]) => e._tag)).size, cases.length);
    assert.equal(new Set(cases.map(([e]) => e.code)).size, cases.length);
  });

  it('uses the v2ray messages', () => {
    assert.equal(errors.tlsRequired().message, 'TLS must be enabled for http transport.');
    assert.equal(errors.alpnMismatch('http/1.1').message, 'unexpected ALPN protocol http/1.1; want h2');
    assert.equal(errors.alpnMismatch(false).message, 'unexpected ALPN protocol (none); want h2');
    assert.equal(errors.unexpectedStatus(404).message, 'unexpected status 404');
  });

  it('carries payloads and the cause', () => {
    const connect = errors.connectFailed('127.0.0.1:1', cause);
    assert.equal(connect.address, '127.0.0.1:1');
    assert.equal(connect.cause, cause);
    assert.match(connect.message, /failed to dial 127\.0\.0\.1:1: boom/);
    assert.equal(errors.unexpectedStatus(503).status, 503);
    assert.equal(errors.streamReset(8).rstCode, 8);
    assert.equal(errors.alpnMismatch(false).protocol, false);
    assert.deepEqual([errors.timeout('x', 5).phase, errors.timeout('x', 5).ms], ['x', 5]);
    assert.equal(errors.invalidConfig('a.b', 'bad').message, 'a.b: bad');
    assert.equal(errors.invalidConfig('', 'bad').message, 'bad');
    assert.equal(errors.tlsRequired().cause, undefined);
    assert.match(errors.listenFailed('x:1', Object.assign(new Error('e'), { code: 'EADDRINUSE' })).message, /address already in use/);
  });

  it('guards reject look-alikes that are not Errors or have unknown tags', () => {
    assert.equal(guards.isTransportError({ _tag: 'TlsRequired' }), false);
    assert.equal(guards.isTransportError(Object.assign(new Error('x'), { _tag: 'Nope' })), false);
    assert.equal(guards.isTransportError(undefined), false);
    assert.equal(guards.isTlsRequired(new Error('TLS must be enabled for http transport.')), false);
  });
});
