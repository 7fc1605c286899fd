import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import type { Connection } from '../../../src/connection/connection.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import { eventually } from '../../helpers/eventually.js';

/** A download the test answers when it chooses, and the packets that came for it. */
interface HeldDownload {
  answer(status: number): void;
  write(bytes: string): void;
}

/**
 * An XHTTP origin whose download answer the test holds, as a proxy may hold it: packets are answered
 * 200 at once (or with `packetStatus`), and collected by seq.
 */
interface HoldingServer {
  readonly port: number;
  readonly packets: Map<number, Buffer>;
  packetStatus: number;
  /** The download that came last. */
  download(): HeldDownload | undefined;
  close(): Promise<void>;
}

type Respond = (status: number, endStream: boolean) => { write(bytes: string): void };

function route(server: HoldingServer & { held?: HeldDownload }, method: string, path: string, respond: Respond, body: Promise<Buffer>): void {
  const seq = /\/tun\/[^/]+\/(\d+)$/.exec(path);
  if (method === 'GET') {
    let answered: ReturnType<Respond> | undefined;
    server.held = { answer: (status) => void (answered = respond(status, status !== 200)), write: (bytes) => answered?.write(bytes) };
    return;
  }
  void body.then((payload) => {
    if (seq !== null) server.packets.set(Number(seq[1]), payload);
    respond(server.packetStatus, true);
  });
}

async function holdingH2Server(): Promise<HoldingServer> {
  const server = http2.createServer();
  const state = { packets: new Map<number, Buffer>(), packetStatus: 200 } as HoldingServer & { held?: HeldDownload };
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const body = new Promise<Buffer>((resolve) => stream.once('end', () => resolve(Buffer.concat(chunks))));
    const respond: Respond = (status, endStream) => {
      stream.respond({ ':status': status }, { endStream });
      return { write: (bytes) => stream.write(bytes) };
    };
    route(state, String(headers[':method']), String(headers[':path']), respond, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    port: (server.address() as AddressInfo).port,
    download: () => state.held,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

async function holdingH1Server(): Promise<HoldingServer> {
  const state = { packets: new Map<number, Buffer>(), packetStatus: 200 } as HoldingServer & { held?: HeldDownload };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    const body = new Promise<Buffer>((resolve) => request.once('end', () => resolve(Buffer.concat(chunks))));
    const respond: Respond = (status, endStream) => {
      response.writeHead(status, endStream ? { 'content-length': 0 } : {});
      if (endStream) response.end();
      else response.flushHeaders();
      return { write: (bytes) => response.write(bytes) };
    };
    route(state, request.method ?? '', request.url ?? '', respond, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    port: (server.address() as AddressInfo).port,
    download: () => state.held,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

// Packet-up hands the tunnel out once its GET is on its way and uploads at once, as Xray's client does: a
// proxy may hold the download's 200 until it has something else to send. The GET's refusal, or no answer
// within responseTimeoutMs, then fails the tunnel with a typed error; nothing hangs, nothing is lost quietly.
describe('XHTTP packet-up: uploads before the download is answered', function () {
  this.timeout(15_000);

  for (const wire of ['h2c', 'HTTP/1.1'] as const) {
    describe(`over ${wire}`, () => {
      let server: HoldingServer;
      let manager: SessionManager;
      beforeEach(async () => {
        server = await (wire === 'h2c' ? holdingH2Server() : holdingH1Server());
        manager = new SessionManager();
      });
      afterEach(async () => {
        await manager.close();
        await server.close();
      });

      const settings = (extra: Partial<DialSettings> = {}): DialSettings => ({
        host: ['tunnel.test'],
        path: '/tun/',
        ...(wire === 'h2c' ? { h2c: true } : {}),
        xhttp: { mode: 'packet-up' },
        ...extra,
      });
      const open = (extra: Partial<DialSettings> = {}): Promise<Connection> => openTunnel(`127.0.0.1:${server.port}`, settings(extra), { manager });

      it("sends the first packet while the download's 200 is held, and reads the download once it comes", async () => {
        const connection = await open();
        await connection.write(Buffer.from('hello'));
        await eventually(() => server.packets.has(0), 'packet 0 to reach the server while its download is unanswered', 5_000);
        assert.equal(server.packets.get(0)?.toString(), 'hello');
        const reading = new Promise<string>((resolve) => connection.output.subscribe((chunk) => resolve(chunk.toString())));
        await eventually(() => server.download() !== undefined, 'the download to reach the server', 5_000);
        server.download()?.answer(200);
        server.download()?.write('world');
        assert.equal(await reading, 'world');
        assert.equal(await connection.accepted, true);
        connection.close();
      });

      it('fails the tunnel with the status when the download is refused after packets went up', async () => {
        const connection = await open();
        await connection.write(Buffer.from('hello'));
        await eventually(() => server.packets.has(0) && server.download() !== undefined, 'packet 0 and the download to reach the server', 5_000);
        server.download()?.answer(404);
        const result = await connection.done;
        assert.ok(E.isLeft(result), 'the tunnel ended cleanly though its download was refused');
        assert.equal(result.left.code, 'H2T_ERR_STATUS');
        assert.equal((result.left as { status?: number }).status, 404);
        assert.equal(await connection.accepted, false);
      });

      it('fails the tunnel with Timeout when the download is never answered, without any write', async () => {
        const responseTimeoutMs = 600;
        const started = Date.now();
        const connection = await open({ responseTimeoutMs });
        const result = await connection.done;
        const elapsed = Date.now() - started;
        assert.ok(E.isLeft(result), 'the tunnel ended cleanly though its download never answered');
        assert.equal(result.left.code, 'H2T_ERR_TIMEOUT');
        assert.ok(elapsed >= responseTimeoutMs - 50 && elapsed < responseTimeoutMs + 3_000, `failed after ${elapsed} ms`);
      });

      it('fails the tunnel when a packet is refused, without waiting for another write', async () => {
        const connection = await open();
        await eventually(() => server.download() !== undefined, 'the download to reach the server', 5_000);
        server.download()?.answer(200);
        assert.equal(await connection.accepted, true);
        server.packetStatus = 400;
        await connection.write(Buffer.from('refused'));
        const result = await connection.done;
        assert.ok(E.isLeft(result), 'the tunnel ended cleanly though its packet was refused');
        assert.equal(result.left.code, 'H2T_ERR_STATUS');
        assert.equal((result.left as { status?: number }).status, 400);
      });

      it('still fails the dial itself when nothing listens', async () => {
        const port = server.port;
        await server.close();
        await assert.rejects(openTunnel(`127.0.0.1:${port}`, settings(), { manager }), { code: 'H2T_ERR_CONNECT' });
        server = await (wire === 'h2c' ? holdingH2Server() : holdingH1Server());
      });
    });
  }
});
