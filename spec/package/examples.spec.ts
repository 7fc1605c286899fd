import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every example must run as documented (`npx tsx examples/NAME.ts`) and exit 0: they assert their own
// results, so a broken API or a stale example fails here.

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const examples = readdirSync(join(root, 'examples'))
  .filter((name) => name.endsWith('.ts'))
  .sort();

interface Run {
  readonly code: number | string;
  readonly output: string;
}

function runExample(name: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('examples', name)],
      { cwd: root, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : (error.signal ?? 'failed');
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('examples', function () {
  this.timeout(90_000);

  it('has the five documented examples', () => {
    for (const name of ['reactive-integration.ts', 'composable-retry.ts', 'test-harness.ts', 'v2ray-json-client.ts', 'v2ray-config-file.ts']) {
      assert.ok(examples.includes(name), `examples/${name} is missing`);
    }
  });

  for (const name of examples) {
    it(`${name} runs to completion and exits 0`, async () => {
      const { code, output } = await runExample(name, 60_000);
      assert.equal(code, 0, `examples/${name} exited with ${code}:\n${output}`);
    });
  }
});
