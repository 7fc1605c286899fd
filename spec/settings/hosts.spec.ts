import assert from 'node:assert/strict';
import { DEFAULT_HOSTS, pickHost } from '../../src/settings/hosts.js';

describe('pickHost', () => {
  const hosts = ['a.test', 'b.test', 'c.test'] as const;

  it('maps the random number onto the list uniformly', () => {
    assert.equal(
      pickHost(hosts, () => 0),
      'a.test',
    );
    assert.equal(
      pickHost(hosts, () => 0.34),
      'b.test',
    );
    assert.equal(
      pickHost(hosts, () => 0.67),
      'c.test',
    );
    // Math.random never returns 1, but a custom source might: still in range.
    assert.equal(
      pickHost(hosts, () => 1),
      'c.test',
    );
  });

  it('picks every host over many draws with the real random source', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(pickHost(hosts));
    assert.deepEqual([...seen].sort(), [...hosts]);
  });

  it('defaults to v2ray www.example.com', () => {
    assert.deepEqual(DEFAULT_HOSTS, ['www.example.com']);
    assert.equal(pickHost(DEFAULT_HOSTS), 'www.example.com');
  });
});
