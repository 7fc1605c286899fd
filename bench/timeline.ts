// `npm run build && npx tsx bench/timeline.ts [--zero-rtt] [--samples=300]`: where one tunnel open on a warm session
// spends its time. Runs the h2tunnel chain (client, server and echo target, each its own process)
// with marks on, warms it up as the benchmark does, opens tunnels one after another and prints the
// median moment of each step, from the driver's connect to the echoed byte.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../src/tls/self-signed.js';
import { startChild } from './child.js';
import { connect, readBytes } from './load/connect.js';
import { warmUp } from './load/warm-up.js';
import { plan } from './plan.js';
import { TIMELINE_DIR_ENV } from './timeline/recorder.js';
import { type Mark, summarize } from './timeline/summary.js';

const argv = process.argv.slice(2);
const zeroRtt = argv.includes('--zero-rtt');
const samples = Number(argv.find((a) => a.startsWith('--samples='))?.slice('--samples='.length) ?? 300);
const sizes = plan(false);
const dir = mkdtempSync(join(os.tmpdir(), 'h2t-timeline-'));
// Inherited by every fixture started below: it turns their recorders on.
process.env[TIMELINE_DIR_ENV] = dir;
const { cert, key } = await selfSignedCertificate(['tunnel.test']);
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');
writeFileSync(certFile, cert);
writeFileSync(keyFile, key);

const driver: Mark[] = [];
const mark = (label: string) => driver.push({ at: process.hrtime.bigint(), label });
const echo = await startChild('fixtures/echo-target.ts', []);
const server = await startChild('fixtures/h2tunnel-server.ts', [JSON.stringify({ certFile, keyFile, forwardPort: echo.ready.port })]);
const client = await startChild('fixtures/h2tunnel-client.ts', [JSON.stringify({ caFile: certFile, serverPort: server.ready.port, zeroRtt })]);
try {
  const port = client.ready.port as number;
  process.stderr.write(`warming up (${sizes.warmUpTunnels} tunnels, ${sizes.warmUpBytes / 1e6} MB)\n`);
  await warmUp(port, sizes.warmUpTunnels, sizes.warmUpBytes);
  const warm = await connect(port);
  warm.write('w');
  await readBytes(warm, 1);
  // Marks before the first timed open (warm-up, the warm tunnel) are dropped by the summary.
  for (let i = 0; i < samples; i++) {
    mark('d.connect');
    const socket = await connect(port);
    mark('d.connected');
    socket.write('x');
    await readBytes(socket, 1);
    mark('d.echo');
    socket.destroy();
  }
  warm.destroy();
} finally {
  await client.stop();
  await server.stop();
  await echo.stop();
}

const marks = [...driver, ...['client', 'server', 'echo'].flatMap((role) => readMarks(join(dir, `${role}.txt`)))];
rmSync(dir, { recursive: true, force: true });
const summary = summarize(marks, 'd.connect');
process.stdout.write(
  `\n${summary.opens} opens on a warm session${zeroRtt ? ', zeroRtt' : ''}; median moment of each step (µs after the driver's connect):\n\n`,
);
process.stdout.write('| step | median µs | since previous |\n| --- | ---: | ---: |\n');
let previous = 0;
for (const step of summary.steps) {
  process.stdout.write(`| ${step.label} | ${step.medianUs.toFixed(0)} | ${(step.medianUs - previous).toFixed(0)} |\n`);
  previous = step.medianUs;
}
process.stdout.write(`\nmost frequent orders:\n${summary.orders.map((o) => `  ${o.opens}× ${o.order}`).join('\n')}\n`);

function readMarks(file: string): Mark[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [at, label] = line.split(' ');
      return { at: BigInt(at ?? '0'), label: label ?? '' };
    });
}
