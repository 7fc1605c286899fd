import assert from 'node:assert/strict';
import { classifyXhttpRequest, type XhttpRequestFacts, type XhttpServerRules } from '../../../src/protocol/xhttp/classify-request.js';

describe('classifyXhttpRequest', () => {
  const rules: XhttpServerRules = {
    hosts: ['tunnel.test'],
    hostMatch: 'xray',
    base: '/tun/',
    mode: 'auto',
    paddingBytes: { from: 100, to: 1000 },
    maxPacketBytes: 1_000_000,
  };
  const referer = `https://tunnel.test/tun/?x_padding=${'X'.repeat(100)}`;
  const request = (path: string, more: Partial<XhttpRequestFacts> = {}): XhttpRequestFacts => ({
    method: 'POST',
    authority: 'tunnel.test',
    path,
    referer,
    contentLength: undefined,
    ...more,
  });

  it('tells the shapes apart by method, session id and seq', () => {
    assert.deepEqual(classifyXhttpRequest(request('/tun/'), rules), { _tag: 'StreamOne' });
    assert.deepEqual(classifyXhttpRequest(request('/tun/', { method: 'GET' }), rules), { _tag: 'StreamOne' });
    assert.deepEqual(classifyXhttpRequest(request('/tun//0'), rules), { _tag: 'StreamOne' });
    assert.deepEqual(classifyXhttpRequest(request('/tun/s1', { method: 'GET' }), rules), { _tag: 'Download', sessionId: 's1' });
    assert.deepEqual(classifyXhttpRequest(request('/tun/s1'), rules), { _tag: 'StreamUp', sessionId: 's1' });
    assert.deepEqual(classifyXhttpRequest(request('/tun/s1', { method: 'PUT' }), rules), { _tag: 'StreamUp', sessionId: 's1' });
    assert.deepEqual(classifyXhttpRequest(request('/tun/s1/7', { contentLength: 3 }), rules), { _tag: 'Packet', sessionId: 's1', seq: 7 });
    assert.deepEqual(classifyXhttpRequest(request('/tun/s1/7/extra?ed=1', { method: 'GET' }), rules), { _tag: 'Packet', sessionId: 's1', seq: 7 });
    assert.deepEqual(classifyXhttpRequest(request('/tun/s1', { method: 'OPTIONS', referer: undefined }), rules), { _tag: 'Preflight' });
  });

  it('answers 404 for a wrong host or path before anything else', () => {
    assert.deepEqual(classifyXhttpRequest(request('/tun/', { authority: 'other.test', referer: undefined }), rules), {
      _tag: 'Refuse',
      status: 404,
      reason: 'host',
    });
    assert.deepEqual(classifyXhttpRequest(request('/tun/', { authority: 'TUNNEL.test:443' }), rules), { _tag: 'StreamOne' });
    for (const path of ['/tun', '/tunnel/', '/', '/%E0%A4%A/']) {
      assert.deepEqual(classifyXhttpRequest(request(path, { referer: undefined }), rules), { _tag: 'Refuse', status: 404, reason: 'path' }, path);
    }
    assert.deepEqual(classifyXhttpRequest(request('/x', { authority: undefined }), { ...rules, hosts: undefined }), {
      _tag: 'Refuse',
      status: 404,
      reason: 'path',
    });
  });

  it('answers 400 for missing or out-of-range padding', () => {
    const refused = { _tag: 'Refuse', status: 400, reason: 'padding' };
    assert.deepEqual(classifyXhttpRequest(request('/tun/', { referer: undefined }), rules), refused);
    assert.deepEqual(classifyXhttpRequest(request('/tun/', { referer: `https://t/?x_padding=${'X'.repeat(99)}` }), rules), refused);
    assert.deepEqual(classifyXhttpRequest(request('/tun/', { referer: `https://t/?x_padding=${'X'.repeat(1001)}` }), rules), refused);
    assert.deepEqual(classifyXhttpRequest(request(`/tun/?x_padding=${'X'.repeat(200)}`, { referer: undefined }), rules), { _tag: 'StreamOne' });
  });

  it('answers 400 for a mode the server does not take, as Xray', () => {
    const mode = { _tag: 'Refuse', status: 400, reason: 'mode' };
    const packetOnly = { ...rules, mode: 'packet-up' as const };
    assert.deepEqual(classifyXhttpRequest(request('/tun/'), packetOnly), mode);
    assert.deepEqual(classifyXhttpRequest(request('/tun/s'), packetOnly), mode);
    assert.deepEqual(classifyXhttpRequest(request('/tun/s', { method: 'GET' }), packetOnly), { _tag: 'Download', sessionId: 's' });
    assert.deepEqual(classifyXhttpRequest(request('/tun/s/0'), { ...rules, mode: 'stream-up' }), mode);
    assert.deepEqual(classifyXhttpRequest(request('/tun/'), { ...rules, mode: 'stream-up' }), { _tag: 'StreamOne' });
    assert.deepEqual(classifyXhttpRequest(request('/tun/s'), { ...rules, mode: 'stream-one' }), mode);
  });

  it('answers 400 for a bad seq or an overlong session id, 413 for a declared oversized packet', () => {
    for (const seq of ['abc', '-1', '1e3', '9'.repeat(20)]) {
      assert.deepEqual(classifyXhttpRequest(request(`/tun/s/${seq}`), rules), { _tag: 'Refuse', status: 400, reason: 'seq' }, seq);
    }
    assert.deepEqual(classifyXhttpRequest(request(`/tun/${'a'.repeat(129)}`), rules), { _tag: 'Refuse', status: 400, reason: 'session-id' });
    assert.deepEqual(classifyXhttpRequest(request('/tun/s/0', { contentLength: 1_000_001 }), rules), { _tag: 'Refuse', status: 413, reason: 'packet-size' });
    assert.deepEqual(classifyXhttpRequest(request('/tun/s/0', { contentLength: 1_000_000 }), rules), { _tag: 'Packet', sessionId: 's', seq: 0 });
  });
});
