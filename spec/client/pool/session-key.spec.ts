import assert from 'node:assert/strict';
import { sessionKey } from '../../../src/client/pool/session-key.js';
import { tlsSecurity } from '../../helpers/tls-security.js';

describe('sessionKey', () => {
  const dest = { host: 'tunnel.test', port: 443 };
  const tls = tlsSecurity;

  it('is stable for equal settings', () => {
    assert.equal(sessionKey(dest, tls({ ca: ['PEM'] })), sessionKey({ ...dest }, tls({ ca: ['PEM'] })));
  });

  it('differs by destination, server name, insecure flag, CA, h2c, pins, client certificate, versions and ciphers', () => {
    const keys = [
      sessionKey(dest, tls()),
      sessionKey({ host: 'tunnel.test', port: 8443 }, tls()),
      sessionKey({ host: 'other.test', port: 443 }, tls()),
      sessionKey(dest, tls({ serverName: 'other.test' })),
      sessionKey(dest, tls({ serverName: undefined })),
      sessionKey(dest, tls({ allowInsecure: true })),
      sessionKey(dest, tls({ ca: ['PEM A'] })),
      sessionKey(dest, tls({ ca: ['PEM B'] })),
      sessionKey(dest, tls({ ca: ['PEM A', 'PEM B'] })),
      sessionKey(dest, tls({ ca: ['PEM B', 'PEM A'] })),
      sessionKey(dest, tls({ ca: ['PEM A\nPEM B'] })),
      sessionKey(dest, { kind: 'h2c' }),
      sessionKey(dest, tls({ pins: { chain: ['A'], publicKey: [] } })),
      sessionKey(dest, tls({ pins: { chain: [], publicKey: ['A'] } })),
      sessionKey(dest, tls({ xrayVerification: { certSha256: ['ab'], names: undefined } })),
      sessionKey(dest, tls({ xrayVerification: { certSha256: [], names: ['tunnel.test'] } })),
      sessionKey(dest, tls({ xrayVerification: { certSha256: ['ab'], names: ['tunnel.test'] } })),
      sessionKey(dest, tls({ clientCertificate: { cert: 'CERT', key: 'KEY' } })),
      sessionKey(dest, tls({ minVersion: 'TLSv1.3' })),
      sessionKey(dest, tls({ maxVersion: 'TLSv1.2' })),
      sessionKey(dest, tls({ ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })),
    ];
    assert.equal(new Set(keys).size, keys.length, keys.join('\n'));
  });

  it('hashes CA buffers by content', () => {
    assert.equal(sessionKey(dest, tls({ ca: [Buffer.from('PEM')] })), sessionKey(dest, tls({ ca: ['PEM'] })));
  });

  it('gives the same key for a CA seen before, whether the same object or equal text', () => {
    const pem = Buffer.from('PEM C');
    const first = sessionKey(dest, tls({ ca: [pem] }));
    assert.equal(sessionKey(dest, tls({ ca: [pem] })), first);
    assert.equal(sessionKey(dest, tls({ ca: [Buffer.from('PEM C')] })), first);
    // More distinct CA strings than are remembered: the keys stay right after the cache is cleared.
    const keys = Array.from({ length: 100 }, (_, i) => sessionKey(dest, tls({ ca: [`PEM ${i}`] })));
    assert.equal(new Set(keys).size, 100);
    assert.equal(sessionKey(dest, tls({ ca: ['PEM 0'] })), keys[0]);
  });
});
