import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { startDelayLink, type DelayLink } from '../../bench/link/delay-link.js';
import { localSettings, widenSessionWindow, WINDOW_LIMITS } from '../../src/session/flow-control.js';
import { tuneWindows, type WindowTuner } from '../../src/session/window-tuner.js';

const MiB = 1024 * 1024;

/** An h2c server answering every request with `bytes` zero bytes, and how many PINGs it was sent. */
async function downloadServer(bytes: number): Promise<{ port: number; pings(): number; close(): Promise<void> }> {
  let pings = 0;
  const server = http2.createServer({ settings: localSettings() });
  server.on('session', (session) => session.on('ping', () => pings++));
  server.on('stream', (stream) => {
    stream.respond({ ':status': 200 });
    const chunk = Buffer.alloc(256 * 1024);
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        left -= chunk.length;
        if (!stream.write(chunk)) return void stream.once('drain', pump);
      }
      stream.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sessions) s.destroy();
    });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  return { port: (server.address() as AddressInfo).port, pings: () => pings, close };
}

async function download(session: http2.ClientHttp2Session): Promise<number> {
  const stream = session.request({ ':method': 'GET', ':path': '/' });
  let got = 0;
  for await (const chunk of stream) got += (chunk as Buffer).length;
  return got;
}

describe('tuneWindows', function () {
  this.timeout(30_000);
  let server: Awaited<ReturnType<typeof downloadServer>>;
  let link: DelayLink | undefined;
  let session: http2.ClientHttp2Session;
  let tuner: WindowTuner | undefined;

  afterEach(async () => {
    tuner?.stop();
    session?.destroy();
    await link?.close();
    await server?.close();
    link = undefined;
    tuner = undefined;
  });

  const connect = async (port: number) => {
    session = http2.connect(`http://127.0.0.1:${port}`, { settings: localSettings() });
    await once(session, 'remoteSettings');
    widenSessionWindow(session);
    tuner = tuneWindows(session, WINDOW_LIMITS, () => 1);
  };

  it('grows the windows on a 40 ms link while a download fills them, and advertises them', async () => {
    server = await downloadServer(48 * MiB);
    link = await startDelayLink(server.port, { delayMs: 20 });
    await connect(link.port);
    tuner?.kick();
    assert.equal(await download(session), 48 * MiB);
    const advertised = session.localSettings.initialWindowSize ?? 0;
    assert.ok(advertised > WINDOW_LIMITS.floor.stream, `stream window ${advertised}`);
    assert.ok(advertised <= WINDOW_LIMITS.cap.stream, `stream window ${advertised}`);
  });

  it('leaves the windows at the floor on loopback', async () => {
    server = await downloadServer(64 * MiB);
    await connect(server.port);
    tuner?.kick();
    assert.equal(await download(session), 64 * MiB);
    assert.equal(session.localSettings.initialWindowSize, WINDOW_LIMITS.floor.stream);
  });

  it('costs an idle session one PING, and none after it stops', async () => {
    server = await downloadServer(0);
    await connect(server.port);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.equal(server.pings(), 1, 'the first round only');
    tuner?.stop();
    tuner?.kick();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(server.pings(), 1);
  });
});
