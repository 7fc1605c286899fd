import { strict as assert } from 'node:assert';
import { ForwardGate } from '../../src/forward/forward-gate.js';

describe('ForwardGate', () => {
  it('runs at most `limit` tasks per session, the rest in arrival order as slots free', () => {
    const gate = new ForwardGate(2);
    const started: string[] = [];
    const releases = new Map<string, () => void>();
    for (const name of ['a', 'b', 'c', 'd']) gate.run(1, (release) => (started.push(name), releases.set(name, release)));
    assert.deepEqual(started, ['a', 'b']);
    assert.deepEqual(gate.stats(), { running: 2, waiting: 2 });
    releases.get('b')?.();
    releases.get('b')?.(); // a second release of the same task frees nothing more
    assert.deepEqual(started, ['a', 'b', 'c']);
    assert.deepEqual(gate.stats(), { running: 2, waiting: 1 });
  });

  it('keeps sessions apart: one session at its limit does not hold up another', () => {
    const gate = new ForwardGate(1);
    const started: number[] = [];
    gate.run(1, () => started.push(1));
    gate.run(1, () => started.push(11));
    gate.run(2, () => started.push(2));
    assert.deepEqual(started, [1, 2]);
  });

  it('a task that releases at once (its tunnel already closed) lets the next start, without recursing', () => {
    const gate = new ForwardGate(1);
    let hold: (() => void) | undefined;
    gate.run(1, (release) => (hold = release));
    let ran = 0;
    for (let i = 0; i < 100_000; i++) gate.run(1, (release) => (ran++, release()));
    hold?.();
    assert.equal(ran, 100_000);
    assert.deepEqual(gate.stats(), { running: 0, waiting: 0 });
  });
});
