import assert from 'node:assert/strict';
import { hostAccepted, routeRequest, type RouteRules } from '../../src/protocol/route.js';

describe('routeRequest', () => {
  const rules: RouteRules = { hosts: ['tunnel.test', 'alt.test'], path: '/tun' };

  it('accepts an exact configured host and a path under the configured one', () => {
    assert.deepEqual(routeRequest({ authority: 'tunnel.test', path: '/tun' }, rules), { _tag: 'Accept' });
    assert.deepEqual(routeRequest({ authority: 'alt.test', path: '/tun/x?y=1' }, rules), { _tag: 'Accept' });
  });

  it('answers 404 for a host that is not exactly configured', () => {
    for (const authority of ['other.test', 'TUNNEL.TEST.', 'tunnel.test:443', 'sub.tunnel.test', undefined]) {
      assert.deepEqual(routeRequest({ authority, path: '/tun' }, rules), { _tag: 'Reject', status: 404, reason: 'host' }, String(authority));
    }
  });

  it('answers 404 for a path that does not start with the configured one', () => {
    for (const path of ['/', '/tu', '/other/tun', undefined]) {
      assert.deepEqual(routeRequest({ authority: 'tunnel.test', path }, rules), { _tag: 'Reject', status: 404, reason: 'path' }, String(path));
    }
  });

  it('accepts any host when none is configured, still checking the path', () => {
    const open: RouteRules = { hosts: undefined, path: '/' };
    assert.deepEqual(routeRequest({ authority: 'anything.test', path: '/' }, open), { _tag: 'Accept' });
    assert.deepEqual(routeRequest({ authority: undefined, path: '/x' }, open), { _tag: 'Accept' });
    assert.equal(routeRequest({ authority: 'anything.test', path: '/x' }, { hosts: undefined, path: '/tun' })._tag, 'Reject');
  });

  it("with Xray's rule: any case, a port ignored, still nothing else", () => {
    const xray: RouteRules = { ...rules, hostMatch: 'xray' };
    for (const authority of ['tunnel.test', 'TUNNEL.test', 'tunnel.test:443', 'Tunnel.Test:8443']) {
      assert.deepEqual(routeRequest({ authority, path: '/tun' }, xray), { _tag: 'Accept' }, authority);
    }
    for (const authority of ['other.test', 'sub.tunnel.test', 'tunnel.test.', 'tunnel.test:443:1', undefined]) {
      assert.equal(routeRequest({ authority, path: '/tun' }, xray)._tag, 'Reject', String(authority));
    }
  });

  it("hostAccepted: IPv6 literals with and without a port under Xray's rule", () => {
    assert.ok(hostAccepted('[2001:db8::1]:443', ['2001:DB8::1'], 'xray'));
    assert.ok(hostAccepted('2001:db8::1', ['2001:db8::1'], 'xray'));
    assert.ok(!hostAccepted('[2001:db8::1]:443', ['2001:db8::1'], 'exact'));
  });
});
