// `npm run bench:soak [-- --rtt=150 --seconds=60 --tunnels=8 --only=h2tunnel-cli,h2tunnel]`: both
// directions of several echo tunnels saturated through the emulated link for a minute. Two HTTP/2 ends
// that each stop reading while a write of theirs is pending deadlock once both have more in flight than
// the kernel buffers and the link hold; windows that grow with the link must never get there. Exits 1
// if any chain went a whole second without an echoed byte.
import { rmSync } from 'node:fs';
import { findBinary } from '../spec/helpers/binaries.js';
import { benchFiles } from './bench-files.js';
import { startChild } from './child.js';
import { startLinkedChain, type LinkedChainName } from './link/linked-chain.js';
import { saturateBoth } from './soak/saturate-both.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rttMs = Number(flag('rtt', '150'));
const seconds = Number(flag('seconds', '60'));
const tunnels = Number(flag('tunnels', '8'));
const names = flag('only', 'h2tunnel-cli,h2tunnel').split(',') as LinkedChainName[];

const log = (line: string) => process.stderr.write(`${line}\n`);
const { dir, certFile, keyFile } = await benchFiles('h2t-soak-');
const echo = await startChild('fixtures/echo-target.ts', []);
const context = {
  dir,
  certFile,
  keyFile,
  echoPort: echo.ready.port as number,
  v2ray: findBinary('v2ray'),
  stunnel: findBinary('stunnel4') ?? findBinary('stunnel'),
};
let failed = false;
try {
  for (const name of names) {
    log(`${name}: ${tunnels} echo tunnels, both directions full, ${rttMs} ms RTT, ${seconds} s`);
    const chain = await startLinkedChain(name, context, { delayMs: rttMs / 2 });
    try {
      const result = await saturateBoth(chain.entryPort, tunnels, seconds, log);
      const mbps = result.received / 1e6 / seconds;
      const worst = Math.min(...result.perSecond) / 1e6;
      process.stdout.write(`| ${name} | ${rttMs} ms | ${tunnels} | ${mbps.toFixed(1)} MB/s | ${worst.toFixed(1)} MB/s | ${result.longestStallSeconds} s |\n`);
      if (result.longestStallSeconds > 0) failed = true;
    } finally {
      await chain.stop();
    }
  }
} finally {
  await echo.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
