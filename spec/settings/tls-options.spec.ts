import assert from 'node:assert/strict';
import { checkAlpn, checkPin, checkVersionRange, cipherSuites, tlsVersion } from '../../src/settings/tls-options.js';

describe('TLS options of config files', () => {
  it("maps Xray's Go cipher-suite names to OpenSSL's, keeping TLS 1.3 names", () => {
    assert.equal(
      cipherSuites('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305:TLS_AES_256_GCM_SHA384', 'cipherSuites'),
      'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:TLS_AES_256_GCM_SHA384',
    );
    assert.equal(cipherSuites(' : ', 'cipherSuites'), undefined);
  });

  it('names a suite Go does not know, and one this TLS library cannot do', () => {
    assert.throws(() => cipherSuites('ECDHE-ECDSA-AES128-GCM-SHA256', 'k'), /"ECDHE-ECDSA-AES128-GCM-SHA256" is not a cipher suite Go knows/);
    assert.throws(() => cipherSuites('TLS_RSA_WITH_RC4_128_SHA', 'k'), /"TLS_RSA_WITH_RC4_128_SHA" is not available in this TLS library/);
  });

  it('reads versions as Xray ("1.2") and jsonv5 (TLS1_2) spell them, and refuses an empty range', () => {
    assert.equal(tlsVersion('1.3', 'minVersion'), 'TLSv1.3');
    assert.equal(tlsVersion('TLS1_2', 'minVersion'), 'TLSv1.2');
    assert.equal(tlsVersion('Default', 'minVersion'), undefined);
    assert.throws(() => tlsVersion('1.4', 'minVersion'), /minVersion: must be one of/);
    assert.throws(() => checkVersionRange('TLSv1.3', 'TLSv1.2', 'maxVersion'), /maxVersion TLSv1.2 is below minVersion TLSv1.3/);
  });

  it('needs h2 in alpn and a 32-byte base64 digest as a pin', () => {
    checkAlpn(['h2', 'http/1.1'], 'alpn');
    assert.throws(() => checkAlpn(['http/1.1'], 'alpn'), /must contain "h2"/);
    const pin = Buffer.alloc(32, 1).toString('base64');
    assert.equal(checkPin(pin, 'pin'), pin);
    assert.throws(() => checkPin(Buffer.alloc(20).toString('base64'), 'pin'), /base64 of a SHA-256 digest/);
  });
});
