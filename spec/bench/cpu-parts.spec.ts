import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuParts } from '../../bench/report/cpu-parts.js';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });

describe('bench cpu parts', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'h2t-cpu-parts-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("charges each sample in the window to the innermost frame of ours, Node's work under it included", () => {
    const nodes = [
      frame(1, '(root)', '', [2, 6, 7, 8]),
      frame(2, 'emit', 'node:events', [3]),
      frame(3, 'reserve', 'file:///x/dist/esm/client/pool/session-manager.js', [4]),
      frame(4, 'runExclusive', 'file:///x/node_modules/async-mutex/index.mjs', [5]),
      frame(5, 'request', 'node:internal/http2/core'),
      frame(6, '(garbage collector)', ''),
      frame(7, 'onStreamRead', 'node:internal/stream_base_commons'),
      frame(8, '(idle)', ''),
    ];
    // Each sample's time is the delta to the next one: 10 µs apart, from t = 1,000.
    const samples = [5, 3, 4, 6, 7, 8, 5, 5];
    const profile = { nodes, startTime: 1_000, samples, timeDeltas: samples.map(() => 10) };
    const file = join(dir, 'one.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    // The window leaves the last sample out (t = 1,080).
    const parts = cpuParts(file, 1_000, 1_070);
    assert.deepEqual(Object.fromEntries(parts), {
      'async-mutex (two trips)': 30,
      'session manager + lease': 10,
      GC: 10,
      'Node I/O callbacks, timers': 10,
    });
  });
});
