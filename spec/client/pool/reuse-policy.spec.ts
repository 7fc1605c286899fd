import assert from 'node:assert/strict';
import {
  chooseSession,
  drawPool,
  drawQuota,
  isUnlimited,
  reuseKey,
  spentFor,
  type Candidate,
  type PoolDraw,
  type SessionQuota,
} from '../../../src/client/pool/reuse-policy.js';
import type { Range, ReuseLimits } from '../../../src/settings/xhttp-settings.js';
import { XHTTP_DEFAULTS } from '../../../src/settings/xhttp-settings.js';

const NONE: ReuseLimits = { spread: { kind: 'unlimited' }, maxReuseTimes: undefined, maxRequestTimes: undefined, maxReusableMs: undefined };
const exactly = (n: number): Range => ({ from: n, to: n });
const lowest = (range: Range) => range.from;
const highest = (range: Range) => range.to;

interface Fake extends Candidate {
  readonly name: string;
}
const session = (name: string, running: number, room = true): Fake => ({ name, use: { tunnels: running, requests: running, running }, hasRoom: () => room });
const names = (picked: Fake | undefined) => picked?.name;

describe('reuse policy (XMUX)', () => {
  describe('reuseKey and isUnlimited', () => {
    it('gives no limits no key of their own, so such dials share the pool they always shared', () => {
      assert.equal(reuseKey(undefined), '');
      assert.equal(reuseKey(NONE), '');
      assert.ok(isUnlimited(undefined) && isUnlimited(NONE));
    });

    it('tells different limits apart and the same limits together', () => {
      const two = { ...NONE, spread: { kind: 'max-connections', connections: exactly(2) } } as const;
      const concurrency = { ...NONE, spread: { kind: 'max-concurrency', tunnels: exactly(2) } } as const;
      assert.equal(reuseKey(two), reuseKey({ ...two }));
      assert.notEqual(reuseKey(two), reuseKey(concurrency));
      assert.notEqual(reuseKey({ ...NONE, maxRequestTimes: exactly(5) }), reuseKey({ ...NONE, maxReuseTimes: exactly(5) }));
      assert.notEqual(reuseKey(XHTTP_DEFAULTS.xmux), '');
      assert.ok(!isUnlimited({ ...NONE, maxReusableMs: exactly(1000) }));
    });
  });

  describe('drawPool', () => {
    it('draws maxConcurrency or maxConnections once for the pool; a drawn 0 is no limit', () => {
      assert.deepEqual(drawPool(undefined), { maxConcurrency: undefined, maxConnections: undefined });
      const range = { from: 16, to: 32 };
      assert.deepEqual(drawPool({ ...NONE, spread: { kind: 'max-concurrency', tunnels: range } }, lowest), { maxConcurrency: 16, maxConnections: undefined });
      assert.deepEqual(drawPool({ ...NONE, spread: { kind: 'max-connections', connections: range } }, highest), {
        maxConcurrency: undefined,
        maxConnections: 32,
      });
      assert.deepEqual(drawPool({ ...NONE, spread: { kind: 'max-connections', connections: { from: 0, to: 4 } } }, lowest), {
        maxConcurrency: undefined,
        maxConnections: undefined,
      });
      for (let i = 0; i < 200; i++) {
        const drawn = drawPool({ ...NONE, spread: { kind: 'max-concurrency', tunnels: range } }).maxConcurrency ?? 0;
        assert.ok(drawn >= 16 && drawn <= 32, String(drawn));
      }
    });
  });

  describe('drawQuota', () => {
    it("draws a session's tunnels, requests and age when it opens; a drawn 0 is no limit", () => {
      const limits: ReuseLimits = { ...NONE, maxReuseTimes: exactly(3), maxRequestTimes: { from: 600, to: 900 }, maxReusableMs: { from: 1_000, to: 2_000 } };
      assert.deepEqual(drawQuota(limits, 10_000, lowest), { maxTunnels: 3, maxRequests: 600, unreusableAt: 11_000 });
      assert.deepEqual(drawQuota(limits, 10_000, highest), { maxTunnels: 3, maxRequests: 900, unreusableAt: 12_000 });
      assert.deepEqual(drawQuota({ ...NONE, maxRequestTimes: { from: 0, to: 5 } }, 0, lowest), {
        maxTunnels: undefined,
        maxRequests: undefined,
        unreusableAt: undefined,
      });
      assert.deepEqual(drawQuota(undefined, 0), { maxTunnels: undefined, maxRequests: undefined, unreusableAt: undefined });
    });
  });

  describe('spentFor', () => {
    const quota: SessionQuota = { maxTunnels: 3, maxRequests: 10, unreusableAt: 5_000 };

    it('takes tunnels until it carried maxReuseTimes of them (the 4th of 3 goes elsewhere)', () => {
      assert.equal(spentFor('tunnel', quota, { tunnels: 2, requests: 2, running: 2 }, 0), undefined);
      assert.match(spentFor('tunnel', quota, { tunnels: 3, requests: 3, running: 3 }, 0) ?? '', /carried 3 tunnels \(maxReuseTimes 3\)/);
    });

    it("still takes a placed tunnel's later requests once its tunnels are used up, as Xray's packet-up", () => {
      assert.equal(spentFor('request', quota, { tunnels: 3, requests: 5, running: 1 }, 0), undefined);
    });

    it('takes nothing more once it made maxRequestTimes requests, or reached its age', () => {
      for (const work of ['tunnel', 'request'] as const) {
        assert.match(spentFor(work, quota, { tunnels: 1, requests: 10, running: 1 }, 0) ?? '', /made 10 requests \(maxRequestTimes 10\)/);
        assert.equal(spentFor(work, quota, { tunnels: 1, requests: 1, running: 1 }, 4_999), undefined);
        assert.match(spentFor(work, quota, { tunnels: 1, requests: 1, running: 1 }, 5_000) ?? '', /maxReusableMs/);
      }
    });

    it('never spends a session without limits', () => {
      const none: SessionQuota = { maxTunnels: undefined, maxRequests: undefined, unreusableAt: undefined };
      assert.equal(spentFor('tunnel', none, { tunnels: 1e9, requests: 1e9, running: 1e9 }, Number.MAX_SAFE_INTEGER), undefined);
    });
  });

  describe('chooseSession', () => {
    const unlimited: PoolDraw = { maxConcurrency: undefined, maxConnections: undefined };
    const never = () => assert.fail('no random pick expected');

    it('without limits: the first session with a stream slot free, else a new one (the pool as it always was)', () => {
      assert.equal(chooseSession([], unlimited, never), undefined);
      assert.equal(names(chooseSession([session('a', 9, false), session('b', 100), session('c', 0)], unlimited, never)), 'b');
      assert.equal(chooseSession([session('a', 1, false)], unlimited, never), undefined);
    });

    it('maxConnections: opens new ones up to the count, then picks one of them at random', () => {
      const draw: PoolDraw = { maxConcurrency: undefined, maxConnections: 3 };
      assert.equal(chooseSession([session('a', 0), session('b', 5)], draw, never), undefined);
      const pool = [session('a', 7), session('b', 1), session('c', 30)];
      const seen = new Set<string | undefined>();
      for (let i = 0; i < 3; i++) seen.add(names(chooseSession(pool, draw, () => i)));
      assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
      assert.ok(['a', 'b', 'c'].includes(names(chooseSession(pool, draw)) ?? ''));
    });

    it('maxConnections: a full session (the server stream limit) is passed over, and a new one opens past the count when all are full', () => {
      const draw: PoolDraw = { maxConcurrency: undefined, maxConnections: 2 };
      assert.equal(names(chooseSession([session('a', 250, false), session('b', 3)], draw, () => 0)), 'b');
      assert.equal(chooseSession([session('a', 250, false), session('b', 250, false)], draw, never), undefined);
    });

    it('maxConcurrency: picks at random among sessions running fewer tunnels, else a new one', () => {
      const draw: PoolDraw = { maxConcurrency: 2, maxConnections: undefined };
      const pool = [session('a', 2), session('b', 1), session('c', 0), session('d', 3)];
      const picks = new Set([0, 1].map((i) => names(chooseSession(pool, draw, () => i))));
      assert.deepEqual([...picks].sort(), ['b', 'c']);
      assert.equal(chooseSession([session('a', 2), session('b', 2)], draw, never), undefined);
    });
  });
});
