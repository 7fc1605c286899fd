import assert from 'node:assert/strict';
import { commonHeaders, downloadHeaders, preflightHeaders, streamUpHeaders } from '../../../src/protocol/xhttp/response-headers.js';

describe('XHTTP response headers', () => {
  const rules = { paddingBytes: { from: 2, to: 2 }, noSSEHeader: false };

  it('carry CORS and X-Padding, the Origin echoed when there is one', () => {
    assert.deepEqual(commonHeaders(undefined, rules.paddingBytes), { 'access-control-allow-origin': '*', 'x-padding': 'XX' });
    assert.equal(commonHeaders('https://a.test', rules.paddingBytes)['access-control-allow-origin'], 'https://a.test');
  });

  it('tell proxies not to buffer or cache a download, as an event stream unless noSSEHeader', () => {
    assert.deepEqual(downloadHeaders(undefined, rules), {
      'access-control-allow-origin': '*',
      'x-padding': 'XX',
      'x-accel-buffering': 'no',
      'cache-control': 'no-store',
      'content-type': 'text/event-stream',
    });
    assert.equal(downloadHeaders(undefined, { ...rules, noSSEHeader: true })['content-type'], undefined);
    assert.equal(streamUpHeaders(undefined, rules)['content-type'], undefined);
    assert.equal(streamUpHeaders(undefined, rules)['x-accel-buffering'], 'no');
  });

  it('answer a preflight with what it asked for, or *', () => {
    const headers = preflightHeaders(undefined, 'POST', 'content-type', rules.paddingBytes);
    assert.equal(headers['access-control-allow-methods'], 'POST');
    assert.equal(headers['access-control-allow-headers'], 'content-type');
    assert.equal(preflightHeaders(undefined, undefined, undefined, rules.paddingBytes)['access-control-allow-methods'], '*');
  });
});
