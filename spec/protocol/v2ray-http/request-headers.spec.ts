import assert from 'node:assert/strict';
import { resolveDialSettings } from '../../../src/settings/resolve-dial-settings.js';
import type { DialSettings, ResolvedDialSettings } from '../../../src/settings/settings.js';
import { tunnelRequestHeaders } from '../../../src/protocol/v2ray-http/request-headers.js';
import { rightOf } from '../../helpers/either.js';

const resolve = (settings: DialSettings): ResolvedDialSettings => rightOf(resolveDialSettings(settings));

describe('tunnelRequestHeaders', () => {
  const settings = resolve({ tls: {}, host: ['a.test', 'b.test'], path: 'tun', headers: { 'x-extra': ['1', '2'] } });

  it('sends PUT to the normalized path over https with accept-encoding identity', () => {
    const headers = tunnelRequestHeaders(settings, () => 0);
    assert.equal(headers[':method'], 'PUT');
    assert.equal(headers[':scheme'], 'https');
    assert.equal(headers[':path'], '/tun');
    assert.equal(headers['accept-encoding'], 'identity');
    assert.deepEqual(headers['x-extra'], ['1', '2']);
  });

  it('never sends a content-length: the body streams', () => {
    const headers = tunnelRequestHeaders(settings, () => 0);
    assert.equal(
      Object.keys(headers).some((name) => name.toLowerCase() === 'content-length'),
      false,
    );
  });

  it('picks :authority from the host list with the given random source', () => {
    assert.equal(tunnelRequestHeaders(settings, () => 0)[':authority'], 'a.test');
    assert.equal(tunnelRequestHeaders(settings, () => 0.99)[':authority'], 'b.test');
  });

  it('uses the http scheme for h2c and the configured method', () => {
    const headers = tunnelRequestHeaders(resolve({ h2c: true, method: 'post' }));
    assert.equal(headers[':scheme'], 'http');
    assert.equal(headers[':method'], 'POST');
    assert.equal(headers[':authority'], 'www.example.com');
    assert.equal(headers[':path'], '/');
  });

  it('keeps configured headers from overriding the pseudo-headers or accept-encoding', () => {
    const sneaky = resolve({ tls: {}, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(tunnelRequestHeaders(sneaky)['accept-encoding'], 'identity');
  });
});
