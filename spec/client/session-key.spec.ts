import assert from 'node:assert/strict';
import { sessionKey } from '../../src/client/session-key.js';
import type { TransportSecurity } from '../../src/config/settings.js';

describe('sessionKey', () => {
  const dest = { host: 'tunnel.test', port: 443 };
  const tls = (overrides: Partial<Extract<TransportSecurity, { kind: 'tls' }>> = {}): TransportSecurity => ({
    kind: 'tls',
    serverName: 'tunnel.test',
    allowInsecure: false,
    ca: undefined,
    ...overrides,
  });

  it('is stable for equal settings', () => {
    assert.equal(sessionKey(dest, tls({ ca: ['PEM'] })), sessionKey({ ...dest }, tls({ ca: ['PEM'] })));
  });

  it('differs by destination, server name, insecure flag, CA and h2c', () => {
    const keys = [
      sessionKey(dest, tls()),
      sessionKey({ host: 'tunnel.test', port: 8443 }, tls()),
      sessionKey({ host: 'other.test', port: 443 }, tls()),
      sessionKey(dest, tls({ serverName: 'other.test' })),
      sessionKey(dest, tls({ serverName: undefined })),
      sessionKey(dest, tls({ allowInsecure: true })),
      sessionKey(dest, tls({ ca: ['PEM A'] })),
      sessionKey(dest, tls({ ca: ['PEM B'] })),
      sessionKey(dest, { kind: 'h2c' }),
    ];
    assert.equal(new Set(keys).size, keys.length, keys.join('\n'));
  });

  it('hashes CA buffers by content', () => {
    assert.equal(sessionKey(dest, tls({ ca: [Buffer.from('PEM')] })), sessionKey(dest, tls({ ca: ['PEM'] })));
  });
});
