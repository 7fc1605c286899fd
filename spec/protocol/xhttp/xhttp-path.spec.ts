import assert from 'node:assert/strict';
import { normalizeXhttpPath } from '../../../src/protocol/xhttp/xhttp-path.js';

describe('normalizeXhttpPath', () => {
  it("adds the leading and trailing slash and cuts the query, as Xray's config_test", () => {
    assert.deepEqual(normalizeXhttpPath(''), { base: '/', query: '' });
    assert.deepEqual(normalizeXhttpPath('/'), { base: '/', query: '' });
    assert.deepEqual(normalizeXhttpPath('p'), { base: '/p/', query: '' });
    assert.deepEqual(normalizeXhttpPath('/tun'), { base: '/tun/', query: '' });
    assert.deepEqual(normalizeXhttpPath('/tun/'), { base: '/tun/', query: '' });
    assert.deepEqual(normalizeXhttpPath('/p?ed=2048'), { base: '/p/', query: 'ed=2048' });
    assert.deepEqual(normalizeXhttpPath('?a=1'), { base: '/', query: 'a=1' });
  });
});
