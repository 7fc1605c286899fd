// Builds the dual package: ESM into dist/esm (library, CLI and demo), CommonJS into dist/cjs (the
// library entries only: the CLI uses import.meta and top-level await, and runs as ESM from bin/).
// Each build has its own .d.ts.
// The package is "type": "module", so dist/cjs gets a package.json of its own that makes Node (and
// TypeScript's nodenext resolution) read its .js and .d.ts files as CommonJS.
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function compile(project) {
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, project)], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

await rm(join(root, 'dist'), { recursive: true, force: true });
compile('tsconfig.build.json');
compile('tsconfig.build.cjs.json');
await mkdir(join(root, 'dist/cjs'), { recursive: true });
await writeFile(join(root, 'dist/cjs/package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
