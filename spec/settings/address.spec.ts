import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { formatHostPort, parseHostPort, parseListenAddress } from '../../src/settings/address.js';

describe('parseHostPort', () => {
  it('splits host:port, [v6]:port and a bare host with the default port', () => {
    assert.deepEqual(parseHostPort('tunnel.test:8443'), E.right({ host: 'tunnel.test', port: 8443 }));
    assert.deepEqual(parseHostPort('[::1]:443'), E.right({ host: '::1', port: 443 }));
    assert.deepEqual(parseHostPort(' 127.0.0.1:0 '), E.right({ host: '127.0.0.1', port: 0 }));
    assert.deepEqual(parseHostPort('tunnel.test', 'server', 443), E.right({ host: 'tunnel.test', port: 443 }));
    assert.deepEqual(parseHostPort('[::1]', 'server', 443), E.right({ host: '::1', port: 443 }));
  });

  it('fails naming the key for missing parts and bad ports', () => {
    for (const text of ['', 'tunnel.test', ':443', 'h:65536', 'h:-1', 'h:12a', '::1:443']) {
      const result = parseHostPort(text, 'server');
      assert.ok(E.isLeft(result), text);
      assert.equal(result.left.key, 'server', text);
      assert.equal(result.left._tag, 'InvalidConfig');
    }
  });

  it('formats back, bracketing IPv6', () => {
    assert.equal(formatHostPort({ host: '::1', port: 80 }), '[::1]:80');
    assert.equal(formatHostPort({ host: 'a.test', port: 80 }), 'a.test:80');
  });
});

describe('parseListenAddress', () => {
  it('reads tcp and unix addresses', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:0'), E.right({ kind: 'tcp', host: '127.0.0.1', port: 0 }));
    assert.deepEqual(parseListenAddress('unix:/run/h2t.sock'), E.right({ kind: 'unix', path: '/run/h2t.sock' }));
  });

  it('rejects an empty unix path and a missing port, naming the key', () => {
    const unix = parseListenAddress('unix:', 'listen');
    assert.ok(E.isLeft(unix) && unix.left.key === 'listen');
    const tcp = parseListenAddress('127.0.0.1');
    assert.ok(E.isLeft(tcp) && tcp.left.key === 'listen');
  });
});
