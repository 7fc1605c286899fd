import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./support/stalled-writer.ts', import.meta.url));
const MiB = 1024 * 1024;

interface Report {
  readonly accepted: number;
  readonly stalled: boolean;
  readonly rssBefore: number;
  readonly rssPeak: number;
}

function runStalledWriter(direction: 'up' | 'down', rttMs: number): Promise<Report> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', SCRIPT, direction, String(rttMs)], { timeout: 20_000 }, (error, stdout) => {
      if (error !== null) return reject(new Error(`stalled writer failed: ${error.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report);
    });
  });
}

// Each child holds a client and a server in one process, so its RSS bounds both ends at once.
describe('reliability: a stalled reader holds the writer back (bounded memory)', function () {
  this.timeout(30_000);

  // On loopback the windows stay at their floor; through a 40 ms link they grow while the reader's
  // buffers fill, and must still stop there.
  for (const [direction, rttMs] of [
    ['up', 0],
    ['down', 0],
    ['up', 40],
    ['down', 40],
  ] as const) {
    const where = rttMs === 0 ? 'loopback' : `${rttMs} ms link`;
    it(`${where}, ${direction === 'up' ? 'client writes, server app never reads' : 'server writes, client app never reads'}: the writer stalls, < 64 MiB accepted, RSS grows < 64 MB`, async () => {
      const report = await runStalledWriter(direction, rttMs);
      const growth = report.rssPeak - report.rssBefore;
      console.log(`      ${where} ${direction}: ${(report.accepted / MiB).toFixed(1)} MiB accepted before the stall, RSS +${(growth / MiB).toFixed(1)} MiB`);
      assert.equal(report.stalled, true, 'write() kept resolving: nothing pushed back');
      assert.ok(report.accepted < 64 * MiB, `${report.accepted} bytes accepted`);
      assert.ok(growth < 64 * MiB, `RSS grew by ${growth} bytes`);
    });
  }
});
