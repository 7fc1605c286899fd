import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ROOT } from './support/cli-process.js';

// `npm start` runs exactly this; it must work on a fresh clone and say what it proved.
describe('npm start (the loopback demo)', function () {
  this.timeout(120_000);

  it('exits 0 after verifying every checksum, printing a summary', async () => {
    const child = spawn('npx', ['tsx', 'examples/demo/main.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    clearTimeout(timer);
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    const checks = /checksums\s+(\d+)\/(\d+) SHA-256 verified/.exec(stdout);
    assert.ok(checks, stdout);
    assert.equal(checks[1], checks[2]);
    assert.match(stdout, /throughput\s+[\d.]+ MB\/s/);
    assert.match(stdout, /time to open\s+p50 [\d.]+ ms/);
    assert.match(stdout, /sessions\s+\d+ TCP connection/);
    // Not a terminal here: plain progress lines, no carriage-return redraws.
    assert.doesNotMatch(stdout, /\r/);
    assert.match(stdout, /echoed:\s+\d+%/);
  });
});
