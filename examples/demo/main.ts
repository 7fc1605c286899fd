// `npm start`: the whole product on loopback, with nothing but `npm ci` — a throwaway certificate, a TCP
// echo target, an h2tunnel server and client (the CLI's own forwarding code), bulk and short tunnels,
// then a summary. Exits 0 only when every byte came back intact.
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { formatHostPort } from '../../src/settings/address.js';
import { createLogger } from '../../src/cli/logger.js';
import { startTunnelClient } from '../../src/forward/tunnel-client.js';
import { forwardTunnels } from '../../src/forward/tunnel-forwarder.js';
import { listen } from '../../src/server/listen.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { startEcho } from './echo-target.js';
import { ProgressBar } from './progress.js';
import { summaryLines } from './summary.js';
import { echoTransfer } from './transfer.js';

const BULK_TUNNELS = 8;
const BYTES_PER_TUNNEL = 16 * 1024 * 1024;
const QUICK_TUNNELS = 64;
const QUICK_AT_ONCE = 16;
// A demo that hangs teaches nothing: past this, say so and exit non-zero.
const DEADLINE_MS = 55_000;
const NAME = 'tunnel.demo';
const PATH = '/demo';

async function demo(): Promise<boolean> {
  const started = performance.now();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // Only problems are logged (to stderr); the demo's own story goes to stdout.
  const log = createLogger('warn');

  say('h2tunnel demo: client -> HTTP/2 over TLS -> server -> TCP echo, all on 127.0.0.1');
  const pair = await selfSignedCertificate([NAME, '127.0.0.1'], 1);
  say(`  certificate    throwaway, self-signed for ${NAME} (in memory only)`);
  const echo = await startEcho();
  const server = await listen({ listen: '127.0.0.1:0', tls: pair, host: [NAME], path: PATH });
  const serverPort = typeof server.address === 'string' ? 0 : server.address.port;
  const forwarder = forwardTunnels(server, { host: '127.0.0.1', port: echo.port }, log);
  const manager = new SessionManager();
  let sessions = 0;
  manager.events.subscribe((event) => event.type === 'opened' && sessions++);
  const openMs: number[] = [];
  const client = await startTunnelClient({
    listen: { host: '127.0.0.1', port: 0 },
    server: { host: '127.0.0.1', port: serverPort },
    settings: { host: [NAME], path: PATH, tls: { serverName: NAME, ca: pair.cert } },
    manager,
    log,
    onOpened: (_tunnel, ms) => openMs.push(ms),
  });
  say(`  server         ${NAME} on 127.0.0.1:${serverPort}, path ${PATH}, forwarding to echo on 127.0.0.1:${echo.port}`);
  say(`  client         local 127.0.0.1:${client.address.port}, one tunnel per TCP connection, certificate verified`);
  say('');

  try {
    say(`Pushing ${BULK_TUNNELS} tunnels x ${BYTES_PER_TUNNEL / 1024 / 1024} MiB through at once, each echoed back and checksummed:`);
    const bar = new ProgressBar(process.stdout, BULK_TUNNELS * BYTES_PER_TUNNEL, 'echoed');
    let echoed = 0;
    const bulkStart = performance.now();
    const bulk = await Promise.all(
      Array.from({ length: BULK_TUNNELS }, () => echoTransfer(client.address.port, BYTES_PER_TUNNEL, (n) => bar.update((echoed += n)))),
    );
    const bulkSeconds = (performance.now() - bulkStart) / 1000;
    bar.finish();

    say(`Opening ${QUICK_TUNNELS} short tunnels, ${QUICK_AT_ONCE} at a time, on the warm session...`);
    const quick = [];
    for (let i = 0; i < QUICK_TUNNELS; i += QUICK_AT_ONCE) {
      quick.push(...(await Promise.all(Array.from({ length: QUICK_AT_ONCE }, () => echoTransfer(client.address.port, 4096)))));
    }

    const verified = [...bulk, ...quick].filter((result) => result.verified).length;
    summaryLines({
      bulkTunnels: BULK_TUNNELS,
      bytesPerTunnel: BYTES_PER_TUNNEL,
      bulkSeconds,
      quickTunnels: QUICK_TUNNELS,
      tunnelsOpened: openMs.length,
      openMs,
      sessions,
      verified,
      totalSeconds: (performance.now() - started) / 1000,
    }).forEach(say);
    return verified === BULK_TUNNELS + QUICK_TUNNELS;
  } finally {
    await client.close(Date.now());
    await forwarder.close(Date.now() + 1000);
    await echo.close();
    say(`\nServer: ${formatHostPort({ host: '127.0.0.1', port: serverPort })} closed; client, sessions and echo target stopped.`);
  }
}

const watchdog = setTimeout(() => {
  process.stderr.write(`demo failed: not finished after ${DEADLINE_MS / 1000} s (a stalled tunnel or session)\n`);
  process.exit(1);
}, DEADLINE_MS);
watchdog.unref();

demo().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
