import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// What a user gets from `npm install h2tunnel`: build, pack, install the tarball into a fresh project
// (dependencies from the npm cache where it has them), then use it from ESM, CommonJS and strict TypeScript.

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const fixtures = join(root, 'spec/package/consumer');
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Output {
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<Output> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

describe('package: npm pack, install into a fresh project, use it', function () {
  this.timeout(120_000);
  let work: string;
  let app: string;
  let packed: PackResult;

  before(async function () {
    this.timeout(240_000);
    work = await mkdtemp(join(tmpdir(), 'h2tunnel-pack-'));
    app = join(work, 'app');
    await run(npm, ['run', 'build'], root, 180_000);
    // The build already ran; prepack would only run it again.
    const { stdout } = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
    const [result] = JSON.parse(stdout) as PackResult[];
    assert.ok(result, 'npm pack printed no result');
    packed = result;
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const typesNode = (JSON.parse(await readFile(require.resolve('@types/node/package.json'), 'utf8')) as { version: string }).version;
    // Not --offline: `npm ci` caches tarballs but not the registry metadata that resolving a version
    // needs, so on a fresh machine even the pinned @types/node would be "not cached".
    await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed.filename), `@types/node@${typesNode}`], app, 120_000);
    await copyFile(join(fixtures, 'esm.mjs'), join(app, 'esm.mjs'));
    await copyFile(join(fixtures, 'cjs.cjs'), join(app, 'cjs.cjs'));
    await copyFile(join(fixtures, 'consumer.mts.txt'), join(app, 'consumer.mts'));
    await copyFile(join(fixtures, 'consumer.cts.txt'), join(app, 'consumer.cts'));
  });

  after(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('ships only the builds, the CLI, README, LICENSE and package.json', () => {
    const paths = packed.files.map((file) => file.path);
    const outside = paths.filter((path) => !/^(dist\/(esm|cjs)\/|bin\/)/.test(path) && !['README.md', 'LICENSE', 'package.json'].includes(path));
    assert.deepEqual(outside, []);
    // The demo is an example (`npm start`), not the product.
    assert.deepEqual(
      paths.filter((path) => path.includes('demo')),
      [],
    );
    assert.ok(paths.includes('dist/esm/cli/main.js'), 'the CLI is missing from the tarball');
    for (const entry of [
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
      'dist/cjs/package.json',
      'dist/esm/testing/index.js',
      'dist/cjs/testing/index.d.ts',
      'dist/esm/metrics/index.js',
      'dist/cjs/metrics/index.js',
      'LICENSE',
      'README.md',
    ]) {
      assert.ok(paths.includes(entry), `${entry} is missing from the tarball`);
    }
  });

  it('works from import: both entries load and a tunnel echoes', async () => {
    const { stdout } = await run(process.execPath, ['esm.mjs'], app);
    assert.deepEqual(JSON.parse(stdout), { reply: 'hello from esm', parsed: 'Right', guard: 'function' });
  });

  it('works from require: both entries load and a tunnel echoes', async () => {
    const { stdout } = await run(process.execPath, ['cjs.cjs'], app);
    assert.deepEqual(JSON.parse(stdout), { reply: 'hello from cjs', parsed: 'Right', guard: 'function' });
  });

  it('exposes the same names from import and require', async () => {
    const script = [
      "const cjs = require('h2tunnel'); const cjsTesting = require('h2tunnel/testing');",
      "Promise.all([import('h2tunnel'), import('h2tunnel/testing')]).then(([esm, esmTesting]) => console.log(JSON.stringify({",
      '  main: [Object.keys(cjs).sort(), Object.keys(esm).filter((k) => k !== "default").sort()],',
      '  testing: [Object.keys(cjsTesting).sort(), Object.keys(esmTesting).filter((k) => k !== "default").sort()] })));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['-e', script], app);
    const names = JSON.parse(stdout) as { main: [string[], string[]]; testing: [string[], string[]] };
    assert.deepEqual(names.main[0], names.main[1]);
    assert.deepEqual(names.testing[0], names.testing[1]);
    assert.ok(names.main[0].includes('dial') && names.testing[0].includes('startFaultServer'));
  });

  it('h2tunnel/metrics loads from import and require; the main entry never loads prom-client', async () => {
    const script = [
      "require('h2tunnel'); require('h2tunnel/testing');",
      "const before = Object.keys(require.cache).some((path) => path.includes('prom-client'));",
      "const cjs = require('h2tunnel/metrics');",
      "const after = Object.keys(require.cache).some((path) => path.includes('prom-client'));",
      "import('h2tunnel/metrics').then((esm) => console.log(JSON.stringify({ before, after, cjs: typeof cjs.registerClientMetrics, esm: typeof esm.registerServerMetrics })));",
    ].join('\n');
    const { stdout } = await run(process.execPath, ['-e', script], app);
    assert.deepEqual(JSON.parse(stdout), { before: false, after: true, cjs: 'function', esm: 'function' });
  });

  it('installs the h2tunnel command, which runs from the ESM build', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await run(join(app, 'node_modules/.bin/h2tunnel'), ['--version'], app);
    assert.match(stdout, new RegExp(version.replaceAll('.', '\\.')));
    const help = await run(join(app, 'node_modules/.bin/h2tunnel'), ['--help'], app);
    assert.match(help.stdout, /client/);
    assert.match(help.stdout, /server/);
  });

  it('type-checks a consumer under tsc --module nodenext --strict, as ESM and as CommonJS', async () => {
    const args = ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--noEmit', '--types', 'node', '--explainFiles'];
    const { stdout } = await run(process.execPath, [tsc, ...args, 'consumer.mts', 'consumer.cts'], app);
    // The .mts must see the "import" types and the .cts the "require" types of both entries.
    for (const types of [
      'dist/esm/index.d.ts',
      'dist/esm/testing/index.d.ts',
      'dist/esm/metrics/index.d.ts',
      'dist/cjs/index.d.ts',
      'dist/cjs/testing/index.d.ts',
      'dist/cjs/metrics/index.d.ts',
    ]) {
      assert.ok(stdout.includes(`node_modules/h2tunnel/${types}`), `tsc did not resolve ${types}`);
    }
  });

  it('type-checks in a project that installed h2tunnel alone, with "types": [] (no @types/node of its own)', async () => {
    const bare = join(work, 'bare');
    await mkdir(bare);
    await writeFile(join(bare, 'package.json'), JSON.stringify({ name: 'bare-consumer', version: '1.0.0', private: true }));
    await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed.filename)], bare, 120_000);
    await copyFile(join(fixtures, 'bare.mts.txt'), join(bare, 'bare.mts'));
    const compilerOptions = { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [] };
    await writeFile(join(bare, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['bare.mts'] }));
    // Fails with "Cannot find name 'Buffer'" and "Cannot find module 'node:http2'" unless our declarations
    // reference the Node types and the package brings them.
    await run(process.execPath, [tsc, '-p', bare], bare);
  });
});
