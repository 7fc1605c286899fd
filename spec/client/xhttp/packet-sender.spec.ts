import assert from 'node:assert/strict';
import { PacketSender } from '../../../src/client/xhttp/packet-sender.js';

// Packet-up's pacing rule: POSTs start at least `minPostsIntervalMs` apart (Xray's server relies on it to
// keep its reorder buffer small), in seq order, with every byte in exactly one packet.
describe('PacketSender: the pace of packet-up POSTs', function () {
  this.timeout(10_000);

  function run(packets: number, intervalMs: number, maxBytes = 1_000): Promise<{ starts: number[]; seqs: number[]; bytes: Buffer }> {
    const starts: number[] = [];
    const seqs: number[] = [];
    const payloads: Buffer[] = [];
    const sender = new PacketSender(
      (seq, payload) => {
        starts.push(performance.now());
        seqs.push(seq);
        payloads.push(payload);
        return Promise.resolve();
      },
      { maxBytes, intervalMs: { from: intervalMs, to: intervalMs }, maxInFlight: 4 },
    );
    const source = Buffer.from(Array.from({ length: packets * maxBytes }, (_, i) => i % 251));
    return new Promise((resolve, reject) => {
      let offset = 0;
      const writeNext = (error?: Error | null): void => {
        if (error) return reject(error);
        if (offset >= source.length) return sender.end((endError) => (endError ? reject(endError) : resolve({ starts, seqs, bytes: Buffer.concat(payloads) })));
        const chunk = source.subarray(offset, offset + 400);
        offset += chunk.length;
        sender.write(chunk, writeNext);
      };
      writeNext();
    }).then((result) => {
      assert.deepEqual((result as { bytes: Buffer }).bytes, source, 'every byte, once, in order');
      return result as { starts: number[]; seqs: number[]; bytes: Buffer };
    });
  }

  it('starts no two POSTs closer than the interval, measured on the monotonic clock', async () => {
    const { starts, seqs } = await run(40, 7);
    assert.deepEqual(seqs, [...seqs.keys()], 'seq counts up from 0');
    const gaps = starts.slice(1).map((start, i) => start - (starts[i] as number));
    assert.ok(Math.min(...gaps) >= 7, `every gap ≥ 7 ms: the shortest was ${Math.min(...gaps).toFixed(3)} ms`);
  });

  it('with an interval of zero, sends what is waiting at once', async () => {
    const { starts, seqs } = await run(20, 0);
    assert.equal(seqs.length, 20);
    assert.ok((starts.at(-1) as number) - (starts[0] as number) < 1_000, 'no pacing when none is asked');
  });
});
