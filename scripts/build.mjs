// Builds the dual package: ESM into dist/esm (library and CLI), CommonJS into dist/cjs (the
// library entries only: the CLI uses import.meta and top-level await, and runs as ESM from bin/).
// Each build has its own .d.ts.
// The package is "type": "module", so dist/cjs gets a package.json of its own that makes Node (and
// TypeScript's nodenext resolution) read its .js and .d.ts files as CommonJS.
// Both builds go to a staging directory that replaces dist/ in one rename, so a running `bin/h2tunnel`
// or test never sees a half-built dist/.
import { spawnSync } from 'node:child_process';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const staging = join(root, `.dist-build-${process.pid}`);

function compile(project, outDir) {
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, project), '--outDir', outDir], { stdio: 'inherit', cwd: root });
  return result.status === 0;
}

try {
  if (!compile('tsconfig.build.json', join(staging, 'esm')) || !compile('tsconfig.build.cjs.json', join(staging, 'cjs'))) {
    process.exitCode = 1;
  } else {
    await mkdir(join(staging, 'cjs'), { recursive: true });
    await writeFile(join(staging, 'cjs/package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
    const old = join(root, `.dist-old-${process.pid}`);
    await rename(join(root, 'dist'), old).catch((error) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(staging, join(root, 'dist'));
    await rm(old, { recursive: true, force: true });
  }
} finally {
  await rm(staging, { recursive: true, force: true });
}
