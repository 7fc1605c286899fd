import assert from 'node:assert/strict';
import { poolKeyOf } from '../../../src/client/pool/pool-key.js';
import { reuseKey } from '../../../src/client/pool/reuse-policy.js';
import { sessionKey } from '../../../src/client/pool/session-key.js';
import { resolveDialSettings } from '../../../src/settings/resolve-dial-settings.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import { rightOf } from '../../helpers/either.js';

const resolved = (settings: DialSettings) => rightOf(resolveDialSettings(settings));

describe('poolKeyOf', () => {
  const destination = { host: 'tunnel.test', port: 443 };

  it('gives the session key and the pool the session manager keys its cache by', () => {
    const settings = resolved({ tls: { serverName: 'tunnel.test', ca: 'PEM' }, xmux: { maxConcurrency: 2 } });
    const { key, pool } = poolKeyOf(destination, settings);
    assert.equal(key, sessionKey(destination, settings.security));
    assert.equal(pool, key + reuseKey(settings.reuse));
    assert.notEqual(pool, key);
  });

  it('is the same for the same objects, and worked out afresh for others', () => {
    const settings = resolved({ tls: {} });
    assert.equal(poolKeyOf(destination, settings), poolKeyOf(destination, settings));
    const elsewhere = poolKeyOf({ host: 'other.test', port: 443 }, settings);
    const insecure = poolKeyOf(destination, resolved({ tls: { allowInsecure: true } }));
    assert.notEqual(elsewhere.key, poolKeyOf(destination, settings).key);
    assert.notEqual(insecure.key, poolKeyOf(destination, settings).key);
  });
});
