import { strict as assert } from 'node:assert';
import * as E from 'fp-ts/lib/Either.js';
import { firstValueFrom, retry } from 'rxjs';
import { dial } from '../../src/client/dial.js';
import { isAlpnMismatch, isSessionClosed, isStreamReset, isTimeout, isUnexpectedStatus } from '../../src/errors/error-guards.js';
import { startFaultServer, type FaultServer, type FaultServerOptions } from '../../src/testing/index.js';
import { managerPerTest } from '../reliability/support/manager-per-test.js';
import { openTunnel, pattern, roundTrip } from '../reliability/support/tunnels.js';
import { detach } from '../../src/client/detach.js';

describe('testing/startFaultServer', function () {
  this.timeout(15_000);
  let server: FaultServer | undefined;
  const client = managerPerTest(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (options: FaultServerOptions = {}) => {
    server = await startFaultServer(options);
    return server;
  };

  it('echoes every byte by default, over TLS with its throwaway certificate', async () => {
    const s = await start();
    assert.ok(s.certificate?.cert.includes('BEGIN CERTIFICATE'));
    const connection = await openTunnel(client.manager, s.address, s.dialSettings);
    const payload = pattern(300_000);
    assert.ok((await roundTrip(connection, payload)).equals(payload));
    assert.ok(E.isRight(await connection.done));
  });

  it('echoes over h2c', async () => {
    const s = await start({ h2c: true });
    assert.equal(s.certificate, undefined);
    const connection = await openTunnel(client.manager, s.address, s.dialSettings);
    assert.equal((await roundTrip(connection, Buffer.from('ping'))).toString(), 'ping');
  });

  it('answers with a chosen status', async () => {
    const s = await start({ status: 403 });
    const error = await openTunnel(client.manager, s.address, s.dialSettings).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isUnexpectedStatus(error) && error.status === 403, String(error));
  });

  it('delays the response headers past the dial deadline', async () => {
    const s = await start({ responseDelayMs: 5_000 });
    const error = await openTunnel(client.manager, s.address, { ...s.dialSettings, responseTimeoutMs: 300 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isTimeout(error), String(error));
  });

  it('resets a tunnel after N request bytes', async () => {
    const s = await start({ resetAfterBytes: 10_000 });
    const connection = await openTunnel(client.manager, s.address, s.dialSettings);
    connection.output.subscribe({ error: () => undefined });
    await connection.write(pattern(50_000)).catch(() => undefined);
    const result = await connection.done;
    assert.ok(E.isLeft(result) && isStreamReset(result.left) && result.left.rstCode === 2, JSON.stringify(result));
  });

  it('sends GOAWAY after N streams, so the next tunnel opens a new session', async () => {
    const s = await start({ goawayAfterStreams: 2 });
    const first = await openTunnel(client.manager, s.address, s.dialSettings);
    const second = await openTunnel(client.manager, s.address, s.dialSettings);
    // Both streams were accepted before the GOAWAY's last-stream-id: they still carry bytes.
    assert.equal((await roundTrip(first, Buffer.from('a'))).toString(), 'a');
    assert.equal((await roundTrip(second, Buffer.from('b'))).toString(), 'b');
    const third = await openTunnel(client.manager, s.address, s.dialSettings);
    assert.equal((await roundTrip(third, Buffer.from('c'))).toString(), 'c');
    assert.equal(client.events.filter((e) => e.type === 'opened').length, 2);
  });

  it('goes silent right after the handshake: the tunnel never answers', async () => {
    const s = await start({ silentAfterStreams: 0 });
    const error = await openTunnel(client.manager, s.address, { ...s.dialSettings, connectTimeoutMs: 400, responseTimeoutMs: 400, readIdleTimeoutMs: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isTimeout(error), String(error));
    assert.equal(s.stats().connections, 1, 'the TCP connection stays open');
  });

  it('drops the TCP connection after N bytes', async () => {
    const s = await start({ dropAfterBytes: 200_000 });
    // Node's HTTP/2-over-TLS stops reading a socket reset in the middle of a flow-controlled write and
    // never reports it; only the health check (a PING that gets no answer) notices the dead peer.
    const connection = await openTunnel(client.manager, s.address, { ...s.dialSettings, readIdleTimeoutMs: 300, healthCheckTimeoutMs: 500 });
    connection.output.subscribe({ error: () => undefined });
    await connection.write(pattern(1_000_000)).catch(() => undefined);
    const result = await connection.done;
    assert.ok(E.isLeft(result) && isSessionClosed(result.left), JSON.stringify(result));
  });

  it('drops every connection on demand', async () => {
    const s = await start();
    const connection = await openTunnel(client.manager, s.address, s.dialSettings);
    s.dropConnections();
    const result = await connection.done;
    assert.ok(E.isLeft(result) && isSessionClosed(result.left), JSON.stringify(result));
  });

  it('offers the wrong ALPN: a typed ALPN mismatch (http/1.1 negotiated, or alert 120 when h2 alone is offered)', async () => {
    const s = await start({ alpn: 'http/1.1' });
    const error = await openTunnel(client.manager, s.address, s.dialSettings).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isAlpnMismatch(error) && (error.protocol === 'http/1.1' || error.protocol === false), String(error));
  });

  it('fails the first K tunnels, then succeeds (a retry example)', async () => {
    const s = await start({ failFirst: 2 });
    const connection = await firstValueFrom(dial(s.address, s.dialSettings, { manager: client.manager }).pipe(retry(2), detach(), detach()));
    assert.equal((await roundTrip(connection, Buffer.from('third time'))).toString(), 'third time');
    assert.equal(s.stats().streams, 3);
  });

  it('refuses numbers past what Node takes, naming the option, before anything listens', async () => {
    const past: [keyof FaultServerOptions, number][] = [
      ['maxConcurrentStreams', 2 ** 32],
      ['responseDelayMs', 2 ** 31],
      ['resetCode', 2 ** 32],
      ['port', 65_536],
      ['status', 600],
      ['failFirst', 1.5],
    ];
    for (const [key, value] of past) await assert.rejects(startFaultServer({ [key]: value }), { _tag: 'InvalidConfig', key }, `${key} ${value}`);
  });
});
