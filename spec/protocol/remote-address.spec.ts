import assert from 'node:assert/strict';
import { forwardedForTrust, remoteAddress, TRUST_NOBODY } from '../../src/protocol/remote-address.js';

const ANY = { kind: 'any' } as const;

describe('remoteAddress', () => {
  it('takes the first X-Forwarded-For entry when the peer is trusted', () => {
    assert.equal(remoteAddress('203.0.113.7, 10.0.0.1', '127.0.0.1', ANY), '203.0.113.7');
    assert.equal(remoteAddress(' 2001:db8::1 ', '127.0.0.1', ANY), '2001:db8::1');
    assert.equal(remoteAddress(['198.51.100.2, 10.0.0.1', '10.9.9.9'], '127.0.0.1', ANY), '198.51.100.2');
  });

  it('falls back to the socket address without a usable header', () => {
    assert.equal(remoteAddress(undefined, '127.0.0.1', ANY), '127.0.0.1');
    assert.equal(remoteAddress('', '127.0.0.1', ANY), '127.0.0.1');
    assert.equal(remoteAddress(' , 10.0.0.1', '127.0.0.1', ANY), '127.0.0.1');
    assert.equal(remoteAddress(undefined, undefined, ANY), undefined);
  });

  it('ignores the header of a peer nobody trusts: the default', () => {
    assert.equal(remoteAddress('203.0.113.7', '198.51.100.9', TRUST_NOBODY), '198.51.100.9');
  });

  it('believes only the listed proxies, IPv4-mapped or not', () => {
    const trust = { kind: 'proxies', addresses: ['10.0.0.2', '2001:db8::5'] } as const;
    assert.equal(remoteAddress('203.0.113.7', '10.0.0.2', trust), '203.0.113.7');
    assert.equal(remoteAddress('203.0.113.7', '::ffff:10.0.0.2', trust), '203.0.113.7');
    assert.equal(remoteAddress('203.0.113.7', '2001:DB8::5', trust), '203.0.113.7');
    assert.equal(remoteAddress('203.0.113.7', '10.0.0.3', trust), '10.0.0.3');
    assert.equal(remoteAddress('203.0.113.7', undefined, trust), undefined);
  });
});

describe('forwardedForTrust', () => {
  it('reads false, true and a list of proxy addresses', () => {
    assert.deepEqual(forwardedForTrust(undefined), TRUST_NOBODY);
    assert.deepEqual(forwardedForTrust(false), TRUST_NOBODY);
    assert.deepEqual(forwardedForTrust(true), ANY);
    assert.deepEqual(forwardedForTrust([' 10.0.0.2', '::FFFF:10.0.0.3', '::1']), { kind: 'proxies', addresses: ['10.0.0.2', '10.0.0.3', '::1'] });
    assert.deepEqual(forwardedForTrust([]), TRUST_NOBODY);
  });

  it('names the entry that is not an IP address', () => {
    assert.equal(forwardedForTrust(['10.0.0.2', 'proxy.lan']), 'trustForwardedFor[1]: "proxy.lan" is not an IP address');
    assert.equal(forwardedForTrust([42 as unknown as string]), 'trustForwardedFor[0]: number 42 is not an IP address');
    assert.match(forwardedForTrust('yes' as unknown as boolean) as string, /must be true, false or a list/);
  });
});
