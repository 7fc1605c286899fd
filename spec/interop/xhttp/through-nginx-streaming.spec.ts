import assert from 'node:assert/strict';
import { connect } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import type { Connection } from '../../../src/connection/connection.js';
import type { TransportError } from '../../../src/errors/transport-error.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import { requireBinary } from '../../helpers/binaries.js';
import { eventually } from '../../helpers/eventually.js';
import type { GoPeerInstance } from '../../helpers/go-peer.js';
import type { NginxInstance } from '../../helpers/nginx.js';
import { printOutputOnFailure } from '../../helpers/process.js';
import { startXrayClient } from '../../helpers/xray.js';
import { dialSettings, HOST, PATH, startNginxFronts, type NginxFronts } from './nginx-fronts.js';

const RESPONSE_TIMEOUT_MS = 2_000;
// Generous on a loaded CI machine: the bound is that it ends, not how promptly past its deadline.
const SLACK_MS = 5_000;

/** How a streaming tunnel through nginx went: its bytes echoed, or a typed failure, at the dial or after. */
type Outcome =
  | { readonly kind: 'echoed' }
  | { readonly kind: 'failed'; readonly at: 'dial' | 'tunnel'; readonly error: TransportError; readonly ms: number }
  | { readonly kind: 'hung' };

/** Dials, writes a few bytes without ending the upload, and waits for their echo or a failure, at most `withinMs`. */
async function tryStreaming(destination: string, settings: DialSettings, manager: SessionManager, withinMs: number): Promise<Outcome> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), withinMs)));
  let connection: Connection | undefined;
  try {
    const dialed = await Promise.race([openTunnel(destination, settings, { manager }).then((opened) => (connection = opened)), hung]);
    if (dialed === 'hung') return { kind: 'hung' };
    const ping = Buffer.from('ping through nginx');
    const echoed = new Promise<'echoed'>((resolve) => {
      let got = 0;
      dialed.output.subscribe({ next: (chunk) => (got += chunk.length) >= ping.length && resolve('echoed'), error: () => undefined });
    });
    dialed.write(ping).catch(() => undefined);
    const first = await Promise.race([echoed, dialed.done, hung]);
    if (first === 'echoed' || first === 'hung') return { kind: first };
    if (E.isRight(first)) throw new Error('the tunnel ended cleanly without echoing');
    return { kind: 'failed', at: 'tunnel', error: first.left, ms: Date.now() - started };
  } catch (error) {
    if ((error as TransportError).code === undefined) throw error;
    return { kind: 'failed', at: 'dial', error: error as TransportError, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
    connection?.close();
  }
}

// stream-one and stream-up behind a buffering HTTP/1.1 proxy (see nginx-fronts.ts): nginx holds a request
// until its body ended, which a streaming upload never does, so neither passes. What is asked of our
// client is that it says so, typed, within its response deadline, never a hang.
describe('interop: XHTTP stream-one and stream-up through nginx fail typed in bounded time', function () {
  this.timeout(60_000);
  let fronts: NginxFronts;
  const xrayClients: GoPeerInstance[] = [];
  const manager = new SessionManager();

  before(async function () {
    requireBinary(this, 'nginx');
    requireBinary(this, 'xray');
    fronts = await startNginxFronts();
  });
  afterEach(function () {
    printOutputOnFailure(this, { ...fronts?.programs, ...Object.fromEntries(xrayClients.map((client, index) => [`xray client ${index}`, client])) });
  });
  after(async () => {
    await manager.close();
    await Promise.all(xrayClients.map((client) => client.stop()));
    await fronts?.stop();
  });

  const origins: readonly { readonly origin: string; readonly nginx: () => NginxInstance }[] = [
    { origin: 'our server', nginx: () => fronts.toOurs },
    { origin: 'Xray server', nginx: () => fronts.toXray },
  ];
  for (const { origin, nginx } of origins) {
    for (const mode of ['stream-one', 'stream-up'] as const) {
      for (const httpVersion of ['2', '1.1'] as const) {
        const wire = httpVersion === '2' ? 'h2' : 'HTTP/1.1';
        it(`our client -(${wire}, ${mode})-> nginx -> ${origin}: Timeout within responseTimeoutMs (${RESPONSE_TIMEOUT_MS} ms)`, async () => {
          const settings = dialSettings(fronts.certPem, mode, httpVersion, { responseTimeoutMs: RESPONSE_TIMEOUT_MS });
          const outcome = await tryStreaming(`127.0.0.1:${nginx().port}`, settings, manager, RESPONSE_TIMEOUT_MS * 2 + SLACK_MS);
          assert.equal(outcome.kind, 'failed', `expected a typed failure, got ${JSON.stringify(outcome)}`);
          if (outcome.kind !== 'failed') return;
          assert.equal(outcome.error.code, 'H2T_ERR_TIMEOUT', JSON.stringify(outcome.error));
          // stream-one's only request, or stream-up's upload, waits for an answer nginx never gives.
          assert.ok(outcome.ms >= RESPONSE_TIMEOUT_MS - 50, `failed after ${outcome.ms} ms, before its deadline`);
          assert.ok(outcome.ms < RESPONSE_TIMEOUT_MS * 2 + SLACK_MS, `failed only after ${outcome.ms} ms`);
          // stream-one fails its dial; stream-up is handed out on its download's 200, then its upload times out.
          assert.equal(outcome.at, mode === 'stream-one' ? 'dial' : 'tunnel');
        });
      }
    }
  }

  it('our client -(h2, stream-up)-> nginx: an upload past client_max_body_size fails with its 413', async () => {
    const settings = dialSettings(fronts.certPem, 'stream-up', '2', { responseTimeoutMs: 30_000 });
    const connection = await openTunnel(`127.0.0.1:${fronts.toOurs.port}`, settings, { manager });
    connection.toDuplex().on('error', () => undefined);
    // Past nginx's 1 MiB: it answers 413 before the deadline could.
    connection.toDuplex().write(Buffer.alloc(2 * 1024 * 1024));
    const result = await connection.done;
    assert.ok(E.isLeft(result), 'the tunnel ended cleanly');
    assert.equal(result.left.code, 'H2T_ERR_STATUS', JSON.stringify(result.left));
    assert.equal((result.left as { status?: number }).status, 413);
  });

  // Xray's client has no response deadline: its stream-one and stream-up tunnels through nginx wait until
  // its own idle policy (connIdle, 300 s by default) ends them. What our server owes is to hold nothing
  // for them once Xray's client gives up.
  for (const mode of ['stream-one', 'stream-up'] as const) {
    it(`Xray client -(h2, ${mode})-> nginx -> our server: nothing echoes, and our server keeps nothing once the client leaves`, async () => {
      const xray = await startXrayClient({
        serverPort: fronts.toOurs.port,
        xhttp: { mode, host: HOST, path: PATH },
        tls: { serverName: HOST, caFile: fronts.files.certFile },
      });
      xrayClients.push(xray);
      const socket = connect(xray.port, '127.0.0.1');
      let echoed = 0;
      socket.on('data', (chunk: Buffer) => (echoed += chunk.length));
      socket.on('error', () => undefined);
      socket.write('ping through nginx');
      await new Promise((resolve) => setTimeout(resolve, RESPONSE_TIMEOUT_MS));
      assert.equal(echoed, 0);
      socket.destroy();
      await eventually(() => (fronts.ours.stats().xhttp?.sessions ?? 0) === 0 && fronts.ours.stats().tunnels === 0, 'our server to let the tunnel go', 10_000);
    });
  }
});
