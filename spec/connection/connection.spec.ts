import assert from 'node:assert/strict';
import { constants, type Http2Stream } from 'node:http2';
import { firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import type { Connection } from '../../src/connection/connection.js';
import { protocolError } from '../../src/errors/transport-error.js';
import { isTransportError } from '../../src/errors/error-guards.js';
import { dialSettingsFor, peerPerSuite, type TunnelHandler } from '../helpers/in-process.js';
import { eventually } from '../helpers/eventually.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

const text = async (connection: Connection): Promise<string> => Buffer.concat(await lastValueFrom(connection.output.pipe(toArray()))).toString();
const outputError = (connection: Connection): Promise<unknown> =>
  lastValueFrom(connection.output).then(
    () => assert.fail('output completed'),
    (e: unknown) => e,
  );

describe('Connection contract (client side, against our server)', function () {
  this.timeout(20_000);
  // Each test sets what the server does with its tunnel.
  let handler: TunnelHandler;
  const suite = peerPerSuite({ host: ['tunnel.test'], path: '/tun' }, (connection) => handler(connection));

  const open = () => openTunnel(suite.peer.address, dialSettingsFor(suite.peer), { manager: suite.manager });

  it('output completes on the peer END_STREAM while our side is still open; done is right once we end too', async () => {
    handler = (server) => {
      server.input.next(Buffer.from('bye'));
      server.input.complete();
      server.output.subscribe({ error: () => undefined });
    };
    const connection = await open();
    assert.equal(await text(connection), 'bye');
    let settled = false;
    void connection.done.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(settled, false, 'done must wait for our side');
    await connection.write(Buffer.from('late but delivered'));
    connection.input.complete();
    assert.deepEqual(await connection.done, { _tag: 'Right', right: undefined });
  });

  it('buffers what arrives before anyone subscribes to output', async () => {
    handler = (server) => {
      server.input.next(Buffer.from('early'));
      server.input.complete();
      server.output.subscribe({ error: () => undefined });
    };
    const connection = await open();
    connection.input.complete();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await text(connection), 'early');
    assert.equal((await connection.done)._tag, 'Right');
  });

  it('output can be unsubscribed and subscribed again without losing bytes', async () => {
    handler = (server) => {
      void server.write(Buffer.from('one')).then(async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await server.write(Buffer.from('two'));
        await server.end();
      });
      server.output.subscribe({ error: () => undefined });
    };
    const connection = await open();
    const first = await firstValueFrom(connection.output.pipe(take(1)));
    assert.equal(first.toString(), 'one');
    connection.input.complete();
    assert.equal(await text(connection), 'two');
    assert.equal((await connection.done)._tag, 'Right');
  });

  it('output errors with a StreamReset and done is left when the peer resets the stream', async () => {
    handler = (server) => server.close(protocolError('server gave up'));
    const connection = await open();
    const error = await outputError(connection);
    assert.ok(isTransportError(error), String(error));
    assert.equal(error._tag, 'StreamReset');
    assert.equal((error as { rstCode?: number }).rstCode, constants.NGHTTP2_INTERNAL_ERROR);
    const result = await connection.done;
    assert.ok(result._tag === 'Left');
    assert.equal(result.left, error);
  });

  it('a peer that destroys its stream (RST_STREAM NO_ERROR, no END_STREAM) cuts the tunnel: output errors, done is left', async () => {
    handler = (server) => {
      server.output.subscribe({ error: () => undefined });
      void server.write(Buffer.from('partial')).then(() => server.toDuplex().destroy());
    };
    const connection = await open();
    const chunks: Buffer[] = [];
    const error = await new Promise<unknown>((resolve) =>
      connection.output.subscribe({ next: (c) => chunks.push(c), error: resolve, complete: () => resolve('completed') }),
    );
    assert.equal(Buffer.concat(chunks).toString(), 'partial');
    assert.ok(isTransportError(error), `a truncated download must not complete, got ${String(error)}`);
    assert.equal(error._tag, 'StreamReset');
    assert.equal((await connection.done)._tag, 'Left');
  });

  it('a server killed mid-tunnel (its session destroyed) ends the tunnel with SessionClosed, not success', async () => {
    handler = (server) => {
      server.output.subscribe({ error: () => undefined });
      void server.write(Buffer.from('partial')).then(() => setTimeout(() => (server.toDuplex() as Http2Stream).session?.destroy(), 20));
    };
    const connection = await open();
    const chunks: Buffer[] = [];
    const error = await new Promise<unknown>((resolve) =>
      connection.output.subscribe({ next: (c) => chunks.push(c), error: resolve, complete: () => resolve('completed') }),
    );
    assert.equal(Buffer.concat(chunks).toString(), 'partial');
    assert.ok(isTransportError(error), `output must error, got ${String(error)}`);
    assert.equal(error._tag, 'SessionClosed');
    const result = await connection.done;
    assert.ok(result._tag === 'Left');
    assert.equal(result.left._tag, 'SessionClosed');
  });

  it('a server killed while the client uploads makes send() fail with a typed error instead of completing', async () => {
    handler = (server) => {
      let received = 0;
      server.output.subscribe({
        next: (chunk) => {
          received += chunk.length;
          if (received >= 1024 * 1024) (server.toDuplex() as Http2Stream).session?.destroy();
        },
        error: () => undefined,
      });
    };
    const connection = await open();
    const chunks = Array.from({ length: 512 }, () => Buffer.alloc(64 * 1024, 7));
    const error: unknown = await lastValueFrom(connection.send(from(chunks)), { defaultValue: undefined }).then(
      () => 'completed',
      (e: unknown) => e,
    );
    assert.ok(isTransportError(error), `send must fail, got ${String(error)}`);
    assert.equal((await connection.done)._tag, 'Left');
  });

  it('a session killed after the peer ended but before our upload finished is still a failure', async () => {
    handler = (server) => {
      server.output.subscribe({ error: () => undefined });
      void server.end().then(() => setTimeout(() => (server.toDuplex() as Http2Stream).session?.destroy(), 20));
    };
    const connection = await open();
    assert.equal(await text(connection), '');
    const result = await connection.done;
    assert.ok(result._tag === 'Left', 'our side never finished: the tunnel did not carry every byte');
  });

  it('close() resets at once with CANCEL and no END_STREAM: done is right locally, the server sees a cut-off tunnel', async () => {
    let server: Connection | undefined;
    let serverOutput: Promise<unknown> | undefined;
    handler = (accepted) => {
      server = accepted;
      serverOutput = outputError(accepted);
    };
    const connection = await open();
    await connection.write(Buffer.from('partial upload'));
    await eventually(() => server !== undefined, 'the server to accept');
    connection.close();
    assert.deepEqual(await connection.done, { _tag: 'Right', right: undefined });
    // A clean end here would let the server forward a truncated upload as complete.
    const error = await serverOutput;
    assert.ok(isTransportError(error), `server output must error, got ${String(error)}`);
    const serverResult = await (server as Connection).done;
    assert.ok(serverResult._tag === 'Left');
    assert.equal(serverResult.left._tag, 'StreamReset');
    assert.equal((serverResult.left as { rstCode?: number }).rstCode, constants.NGHTTP2_CANCEL);
  });

  it('close(reason) ends the tunnel with that reason', async () => {
    handler = (server) => server.output.subscribe({ error: () => undefined });
    const connection = await open();
    const reason = protocolError('local failure');
    connection.close(reason);
    const result = await connection.done;
    assert.ok(result._tag === 'Left');
    assert.equal(result.left, reason);
  });

  it('write() rejects once the tunnel is closed, with a typed error', async () => {
    handler = (server) => server.output.subscribe({ error: () => undefined });
    const connection = await open();
    connection.close();
    await connection.done;
    const error: unknown = await connection.write(Buffer.from('x')).then(
      () => assert.fail('write resolved'),
      (e: unknown) => e,
    );
    assert.ok(isTransportError(error));
  });

  it('a pending write() rejects (never resolves as if delivered) when the peer resets the stream', async () => {
    // The server never reads, so the write waits for drain; then it resets the stream.
    let server: Connection | undefined;
    handler = (accepted) => (server = accepted);
    const connection = await open();
    await eventually(() => server !== undefined, 'the server to accept');
    const big = Buffer.alloc(16 * 1024 * 1024);
    const pending = connection.write(big).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    (server as Connection).close(protocolError('reset while the client writes'));
    const outcome = await pending;
    assert.ok(isTransportError(outcome), `pending write must reject, got ${String(outcome)}`);
    assert.equal((await connection.done)._tag, 'Left');
  });
});
