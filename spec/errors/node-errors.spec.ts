import assert from 'node:assert/strict';
import { constants } from 'node:http2';
import { tlsRequired } from '../../src/errors/transport-error.js';
import { fromNodeError, nodeCode } from '../../src/errors/node-errors.js';

const nodeError = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('fromNodeError', () => {
  it('passes transport errors through unchanged', () => {
    const error = tlsRequired();
    assert.equal(fromNodeError(error, 'x:1'), error);
  });

  it('maps certificate and host-name failures to TlsVerifyFailed (error)', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) {
      const mapped = fromNodeError(nodeError(code), 'x:1');
      assert.equal(mapped._tag, 'TlsVerifyFailed', code);
      assert.equal(mapped.severity, 'error');
    }
  });

  it('maps refused and unreachable connects to ConnectFailed carrying the address and the cause', () => {
    const cause = nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1');
    const mapped = fromNodeError(cause, '127.0.0.1:1');
    assert.equal(mapped._tag, 'ConnectFailed');
    assert.equal(mapped._tag === 'ConnectFailed' && mapped.address, '127.0.0.1:1');
    assert.equal(mapped.cause, cause);
  });

  it('maps a lost connection or GOAWAY to SessionClosed', () => {
    assert.equal(fromNodeError(nodeError('ECONNRESET'), 'x:1')._tag, 'SessionClosed');
    const goaway = fromNodeError(nodeError('ERR_HTTP2_GOAWAY_SESSION'), 'x:1');
    assert.equal(goaway._tag, 'SessionClosed');
    assert.match(goaway.message, /GOAWAY/);
  });

  it('reads the RST_STREAM code from a stream error', () => {
    const mapped = fromNodeError(nodeError('ERR_HTTP2_STREAM_ERROR', 'Stream closed with error code NGHTTP2_CANCEL'), 'x:1');
    assert.equal(mapped._tag, 'StreamReset');
    assert.equal(mapped._tag === 'StreamReset' && mapped.rstCode, constants.NGHTTP2_CANCEL);
    const unknown = fromNodeError(nodeError('ERR_HTTP2_STREAM_ERROR', 'Stream closed'), 'x:1');
    assert.equal(unknown._tag === 'StreamReset' && unknown.rstCode, constants.NGHTTP2_INTERNAL_ERROR);
  });

  it('takes a TLS no_application_protocol alert for an ALPN mismatch, other TLS alerts for a failed handshake', () => {
    assert.equal(fromNodeError(nodeError('ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL'), 'x:1')._tag, 'AlpnMismatch');
    assert.equal(fromNodeError(nodeError('ERR_SSL_WRONG_VERSION_NUMBER'), 'x:1')._tag, 'TlsVerifyFailed');
  });

  it('falls back to ProtocolError for anything else, even a non-Error', () => {
    assert.equal(fromNodeError(new Error('odd'), 'x:1')._tag, 'ProtocolError');
    assert.equal(fromNodeError('a string', 'x:1')._tag, 'ProtocolError');
    assert.equal(fromNodeError(undefined, 'x:1')._tag, 'ProtocolError');
  });

  it('nodeCode reads a string code only', () => {
    assert.equal(nodeCode(nodeError('EPIPE')), 'EPIPE');
    assert.equal(nodeCode({ code: 5 }), undefined);
    assert.equal(nodeCode(null), undefined);
  });
});
