import assert from 'node:assert/strict';
import { normalizePath } from '../../src/settings/path.js';

describe('normalizePath', () => {
  it('turns "" into "/" and adds a missing leading slash, as v2ray', () => {
    assert.equal(normalizePath(''), '/');
    assert.equal(normalizePath('tun'), '/tun');
    assert.equal(normalizePath('/tun'), '/tun');
    assert.equal(normalizePath('/'), '/');
    assert.equal(normalizePath('a/b/'), '/a/b/');
  });
});
