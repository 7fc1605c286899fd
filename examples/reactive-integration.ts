/**
 * Reactive integration: an RxJS app that dials a tunnel, pipes a stream of messages up, and maps the
 * replies as they come down. The far end is an in-process h2tunnel server that answers every line
 * in upper case.
 *
 * Run: npx tsx examples/reactive-integration.ts
 */
import assert from 'node:assert/strict';
import { concatMap, from, lastValueFrom, map, merge, mergeMap, type Observable, type OperatorFunction, scan, toArray, zip } from 'rxjs';
import { dial, listen, selfSignedCertificate, type Connection, type DialSettings } from '../src/index.js';

/** Splits a byte stream into UTF-8 lines, however the chunks happen to be cut. */
function lines(): OperatorFunction<Buffer, string> {
  return (bytes) =>
    bytes.pipe(
      scan<Buffer, { rest: string; complete: string[] }>(
        ({ rest }, chunk) => {
          const parts = (rest + chunk.toString('utf8')).split('\n');
          return { rest: parts.pop() ?? '', complete: parts };
        },
        { rest: '', complete: [] },
      ),
      concatMap(({ complete }) => from(complete)),
    );
}

const encodeLine = (text: string) => Buffer.from(`${text}\n`, 'utf8');

/** The server side: every tunnel gets its lines back in upper case, and ends when the client ends. */
function shout(conn: Connection): void {
  conn.output
    .pipe(
      lines(),
      map((line) => encodeLine(line.toUpperCase())),
    )
    .subscribe(conn.input);
}

/** The client side: sends `messages` up one tunnel and pairs each with its reply. */
function converse(conn: Connection, messages: Observable<string>): Observable<{ sent: string; got: string }> {
  const replies = conn.output.pipe(lines());
  const upload = conn.send(messages.pipe(map(encodeLine)));
  return merge(upload, zip(messages, replies).pipe(map(([sent, got]) => ({ sent, got }))));
}

const { cert, key } = await selfSignedCertificate(['tunnel.test']);
const server = await listen({ listen: '127.0.0.1:0', tls: { cert, key }, host: ['tunnel.test'], path: '/chat' });
server.connections.subscribe(shout);
const port = typeof server.address === 'string' ? 0 : server.address.port;

try {
  const settings: DialSettings = { host: ['tunnel.test'], path: '/chat', tls: { serverName: 'tunnel.test', ca: cert } };
  const messages = from(['hello', 'reactive', 'tunnels']);
  const conversation = await lastValueFrom(
    // The tunnel lives as long as this subscription: the dial completes when the tunnel's stream closes
    // (both sides ended), and with it the conversation. A take(1) here would close the tunnel at once.
    dial(`127.0.0.1:${port}`, settings).pipe(
      mergeMap((conn) => converse(conn, messages)),
      toArray(),
    ),
  );
  for (const { sent, got } of conversation) console.log(`${sent} -> ${got}`);
  assert.deepEqual(
    conversation.map(({ got }) => got),
    ['HELLO', 'REACTIVE', 'TUNNELS'],
  );
} finally {
  await server.close();
}
