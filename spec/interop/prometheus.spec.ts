import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { requireBinary } from '../helpers/binaries.js';
import { startEchoTarget, type EchoTarget } from '../helpers/echo-target.js';
import { freePort, stopAfterEach, tempDir, type RunningProcess, type Stoppable } from '../helpers/process.js';
import { startPrometheus } from '../helpers/prometheus.js';
import { ROOT, runCli } from '../cli/support/cli-process.js';
import { startCli } from './fixtures/start-cli.js';
import { sendAndCollect, tcpRoundTrip } from './round-trip.js';

const TUNNEL = ['--host', 'tunnel.test', '--path', '/tun'];

/** The port of the `metrics listening` line of a CLI started with `--metrics 127.0.0.1:0`. */
function metricsPort(program: RunningProcess): number {
  const port = /"address":"127\.0\.0\.1:(\d+)","msg":"metrics listening"/.exec(program.output())?.[1];
  assert.ok(port !== undefined, `no metrics line:\n${program.output()}`);
  return Number(port);
}

// `--metrics` against a real Prometheus: what it scrapes must equal what the test did.
describe('interop: --metrics scraped by a real Prometheus', function () {
  this.timeout(90_000);
  let echo: EchoTarget;
  const keep = stopAfterEach();
  let busy: Server;

  before(async function () {
    requireBinary(this, 'prometheus');
    requireBinary(this, 'promtool');
    echo = await startEchoTarget();
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await echo?.close();
    await new Promise<void>((resolve) => busy?.close(() => resolve()));
  });

  const start = async <T extends Stoppable>(program: Promise<T>): Promise<T> => keep(await program);
  const tunnelServer = async (...extra: string[]) => {
    const port = await freePort();
    const program = await start(startCli(['server', '--listen', `127.0.0.1:${port}`, '--forward', `127.0.0.1:${echo.port}`, '--h2c', ...TUNNEL, ...extra]));
    return { port, program };
  };
  const tunnelClient = async (serverPort: number, ...extra: string[]) => {
    const port = await freePort();
    const program = await start(startCli(['client', '--listen', `127.0.0.1:${port}`, '--server', `127.0.0.1:${serverPort}`, '--h2c', ...TUNNEL, ...extra]));
    return { port, program };
  };

  it('counts tunnels, 404s and open times as the test made them, and promtool finds nothing to lint', async () => {
    const server = await tunnelServer('--metrics', '127.0.0.1:0');
    const client = await tunnelClient(server.port, '--metrics', '127.0.0.1:0');
    const wrong = await tunnelClient(server.port, '--path', '/elsewhere');
    const ports = { server: metricsPort(server.program), client: metricsPort(client.program) };
    const prometheus = await start(startPrometheus([`127.0.0.1:${ports.server}`, `127.0.0.1:${ports.client}`]));

    for (let i = 0; i < 3; i++) {
      const trip = await tcpRoundTrip(client.port, 256 * 1024);
      assert.equal(trip.receivedSha256, trip.sentSha256);
    }
    for (let i = 0; i < 2; i++) assert.equal((await sendAndCollect(wrong.port, Buffer.from('must not arrive'), 20_000)).length, 0);

    const expect = (expression: string, value: number) => prometheus.waitFor(expression, (seen) => seen === value);
    await expect('h2tunnel_tunnel_opens_total{role="client",result="ok"}', 3);
    await expect('h2tunnel_tunnels_ended_total{role="client",result="ok"}', 3);
    await expect('h2tunnel_tunnel_opens_total{role="server",result="ok"}', 3);
    await expect('h2tunnel_server_rejections_total{status="404",reason="path"}', 2);
    await expect('h2tunnel_tunnel_open_seconds_count{role="client"}', 3);
    await expect('h2tunnel_tunnel_open_seconds_bucket{role="server",le="+Inf"}', 3);
    await expect('h2tunnel_sessions_open{role="client"}', 1);
    await expect('h2tunnel_bytes_up_total{role="client"}', 3 * 256 * 1024);
    await expect('h2tunnel_bytes_down_total{role="server"}', 3 * 256 * 1024);
    assert.ok(((await prometheus.query('process_resident_memory_bytes{job="h2tunnel"}')) ?? 0) > 0, "Node's process metrics are scraped");

    for (const port of [ports.server, ports.client]) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      assert.equal(lint.status, 0, `promtool check metrics:\n${lint.stdout}${lint.stderr}`);
      assert.doesNotMatch(text, /127\.0\.0\.1|tunnel\.test/, 'no address or Host in a label');
    }
  });

  it('/healthz answers 200 while serving and 503 once SIGTERM starts the drain', async () => {
    const server = await tunnelServer('--metrics', '127.0.0.1:0', '--drain-timeout', '5');
    const client = await tunnelClient(server.port);
    const health = `http://127.0.0.1:${metricsPort(server.program)}/healthz`;
    assert.equal((await fetch(health)).status, 200);
    // A tunnel held open keeps the drain going while /healthz is asked.
    const held = connect({ port: client.port, host: '127.0.0.1' });
    held.on('error', () => undefined);
    await new Promise((resolve) => held.once('connect', resolve));
    held.write('hold');
    await new Promise((resolve) => held.once('data', resolve));
    server.program.child.kill('SIGTERM');
    const deadline = Date.now() + 3_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = await fetch(health).then(
        (response) => response.status,
        () => 0,
      );
    }
    held.destroy();
    assert.equal(status, 503);
  });

  it('the alert rules in docs/deploy.md pass promtool check rules', async () => {
    const doc = await readFile(join(ROOT, 'docs', 'deploy.md'), 'utf8');
    const rules = /<!-- alert-rules -->\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(rules !== undefined, 'no alert rules block in docs/deploy.md');
    const dir = await tempDir('rules-');
    try {
      const file = join(dir.path, 'rules.yml');
      await writeFile(file, rules);
      const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
      assert.match(check.stdout, /SUCCESS: 4 rules found/);
    } finally {
      await dir.remove();
    }
  });

  it('a metrics port that cannot bind is exit 2 with one line, and the tunnel port is never opened', async () => {
    const busyPort = (busy.address() as AddressInfo).port;
    const listen = await freePort();
    const result = await runCli(['server', '--listen', `127.0.0.1:${listen}`, '--forward', '127.0.0.1:9', '--h2c', '--metrics', `127.0.0.1:${busyPort}`]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`^h2tunnel: cannot listen on --metrics 127\\.0\\.0\\.1:${busyPort}`));
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /server listening/);
  });
});
