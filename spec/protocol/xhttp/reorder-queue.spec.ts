import assert from 'node:assert/strict';
import { ReorderQueue } from '../../../src/protocol/xhttp/reorder-queue.js';

const b = (text: string) => Buffer.from(text);

describe('ReorderQueue', () => {
  it('delivers packets in seq order whatever order they come in', () => {
    const queue = new ReorderQueue(30);
    assert.equal(queue.put(2, b('c')), 'in-window');
    assert.equal(queue.put(0, b('a')), 'in-window');
    assert.equal(queue.take()?.toString(), 'a');
    assert.equal(queue.take(), undefined);
    queue.put(1, b('b'));
    assert.equal(queue.take()?.toString(), 'b');
    assert.equal(queue.take()?.toString(), 'c');
    assert.equal(queue.next, 3);
    assert.equal(queue.size, 0);
    assert.equal(queue.heldBytes, 0);
  });

  it('drops duplicates, delivered or held, so a retried POST is harmless', () => {
    const queue = new ReorderQueue(4);
    queue.put(0, b('a'));
    queue.put(1, b('b'));
    assert.equal(queue.put(1, b('B')), 'duplicate');
    queue.take();
    assert.equal(queue.put(0, b('A')), 'duplicate');
    assert.equal(queue.take()?.toString(), 'b');
  });

  it('skips empty packets', () => {
    const queue = new ReorderQueue(4);
    queue.put(0, b(''));
    queue.put(1, b('x'));
    assert.equal(queue.take()?.toString(), 'x');
    assert.equal(queue.next, 2);
  });

  it('holds at most a window: further packets wait, far ones are refused', () => {
    const queue = new ReorderQueue(3, 6);
    assert.equal(queue.put(2, b('c')), 'in-window');
    assert.equal(queue.put(3, b('d')), 'ahead');
    assert.equal(queue.place(5), 'ahead');
    assert.equal(queue.place(6), 'too-far');
    assert.equal(queue.size, 1);
    queue.put(0, b('a'));
    queue.take();
    assert.equal(queue.place(3), 'in-window');
    assert.equal(queue.place(7), 'too-far');
  });

  it('keeps memory at the window for a million tiny packets in a hostile order', () => {
    const queue = new ReorderQueue(30);
    let held = 0;
    for (let seq = 1_000_000; seq > 0; seq--) {
      if (queue.put(seq, b('x')) === 'in-window') held++;
      assert.ok(queue.size <= 30);
    }
    assert.equal(held, 29);
    queue.put(0, b('x'));
    let delivered = 0;
    while (queue.take() !== undefined) delivered++;
    assert.equal(delivered, 30);
    queue.clear();
    assert.equal(queue.heldBytes, 0);
  });
});
