import assert from 'node:assert/strict';
import { xhttpRequestHead, type RequestHeadRules } from '../../../src/protocol/xhttp/request-headers.js';

describe('xhttpRequestHead', () => {
  const rules: RequestHeadRules = {
    scheme: 'https',
    authority: 'tunnel.test',
    path: { base: '/tun/', query: '' },
    uploadMethod: 'POST',
    headers: { 'x-a': ['1'], referer: ['mine'] },
    paddingBytes: { from: 5, to: 5 },
    noGRPCHeader: false,
    http1: false,
  };
  const referer = 'https://tunnel.test/tun/?x_padding=XXXXX';

  it('pads every request in the Referer, over a configured one', () => {
    const head = xhttpRequestHead({ kind: 'download', sessionId: 's' }, rules);
    assert.deepEqual(head, { method: 'GET', path: '/tun/s', authority: 'tunnel.test', headers: { 'x-a': ['1'], referer } });
  });

  it('marks the streaming uploads application/grpc unless noGRPCHeader', () => {
    assert.equal(xhttpRequestHead({ kind: 'stream-one' }, rules).headers['content-type'], 'application/grpc');
    assert.equal(xhttpRequestHead({ kind: 'stream-up', sessionId: 's' }, rules).headers['content-type'], 'application/grpc');
    assert.equal(xhttpRequestHead({ kind: 'packet', sessionId: 's', seq: 0 }, rules).headers['content-type'], undefined);
    assert.equal(xhttpRequestHead({ kind: 'stream-one' }, { ...rules, noGRPCHeader: true }).headers['content-type'], undefined);
  });

  it('asks for Connection: close on HTTP/1.1 for all but packets', () => {
    const h1 = { ...rules, http1: true };
    assert.equal(xhttpRequestHead({ kind: 'download', sessionId: 's' }, h1).headers.connection, 'close');
    assert.equal(xhttpRequestHead({ kind: 'stream-up', sessionId: 's' }, h1).headers.connection, 'close');
    assert.equal(xhttpRequestHead({ kind: 'stream-one' }, h1).headers.connection, 'close');
    assert.equal(xhttpRequestHead({ kind: 'packet', sessionId: 's', seq: 1 }, h1).headers.connection, undefined);
    assert.equal(xhttpRequestHead({ kind: 'stream-one' }, rules).headers.connection, undefined);
  });
});
