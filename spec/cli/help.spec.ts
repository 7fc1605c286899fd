import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from './support/cli-process.js';

describe('h2tunnel --help and --version', function () {
  this.timeout(60_000);

  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), version);
  });

  it('lists the commands with an example of a whole deployment', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    for (const command of ['client', 'server', 'cert']) assert.match(result.stdout, new RegExp(`^  ${command} `, 'm'));
    assert.match(result.stdout, /Examples:[\s\S]*h2tunnel server --listen[\s\S]*h2tunnel client --listen/);
  });

  const flags: Record<string, readonly string[]> = {
    client: [
      '--listen',
      '--server',
      '--server-name',
      '--ca',
      '--insecure',
      '--host',
      '--path',
      '--read-idle-timeout',
      '--health-check-timeout',
      '--h2c',
      '--xmux',
      '--stream-settings',
      '--log-level',
      '--stats-interval',
      '--drain-timeout',
      '--bulk-cap',
    ],
    server: [
      '--listen',
      '--forward',
      '--cert',
      '--key',
      '--h2c',
      '--host',
      '--path',
      '--stream-settings',
      '--log-level',
      '--stats-interval',
      '--drain-timeout',
      '--bulk-cap',
    ],
    cert: ['--name', '--out', '--days'],
  };
  for (const [command, expected] of Object.entries(flags)) {
    it(`documents every ${command} flag, with examples`, async () => {
      const result = await runCli([command, '--help']);
      assert.equal(result.code, 0);
      for (const flag of expected) assert.ok(result.stdout.includes(`${flag} `) || result.stdout.includes(`${flag}\n`), `${command} --help lacks ${flag}`);
      assert.match(result.stdout, new RegExp(`Examples:\\n\\s+(#.*\\n\\s+)?h2tunnel ${command} `));
    });
  }
});
