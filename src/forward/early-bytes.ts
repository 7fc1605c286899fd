import type { Socket } from 'node:net';
import type { Observable } from 'rxjs';
import { wasNotProcessed } from '../client/not-processed.js';
import type { Connection } from '../connection/connection.js';
import { socketFailed, type TransportError } from '../errors/transport-error.js';

/** How the bytes sent before the 200 fared. */
export type EarlyOutcome =
  /** The server took the tunnel: bridge the socket to `connection` from here on. */
  | { readonly _tag: 'Accepted'; readonly connection: Connection; readonly replays: number }
  /** The tunnel failed before the server took it, and was not sent again. */
  | { readonly _tag: 'Failed'; readonly error: TransportError }
  /** The application closed its connection before the server answered; the tunnel was cancelled. */
  | { readonly _tag: 'Abandoned' };

/** Bytes kept for a replay at most; a longer early phase is carried, but no longer replayable. */
export const MAX_EARLY_BYTES = 4 * 1024 * 1024;
/** Times a tunnel the server never processed is sent again. */
const MAX_REPLAYS = 2;

/**
 * The 0-RTT phase of a CLI tunnel: the local connection's bytes go up at once, before the server's 200,
 * and a copy of them is kept until the 200 arrives. A tunnel the server provably never processed
 * (REFUSED_STREAM, a stream past a GOAWAY's last id) is opened again with `redial` and the copy sent
 * first, so nothing is lost. Any other failure before the 200 (a lost session, a timeout, a non-200) is
 * final: the server may already have forwarded those bytes, and sending them twice could make a service
 * act twice. Resolves once the 200 arrives or the tunnel failed; the socket is then paused, for the
 * caller to bridge or reset.
 *
 * @example
 * ```ts
 * const outcome = await sendEarly(socket, connection, `local ${socket.remotePort}`, () => dial(server, settings, { manager }));
 * if (outcome._tag === 'Accepted') void bridge(socket, outcome.connection, options);
 * ```
 */
export function sendEarly(socket: Socket, first: Connection, socketAddress: string, redial: () => Observable<Connection>): Promise<EarlyOutcome> {
  return new Promise((resolve) => {
    const copy: Buffer[] = [];
    let copied = 0;
    let replayable = true;
    let replays = 0;
    let ended = false;
    let current = first;
    let finished = false;
    let redialing = false;

    const send = (connection: Connection, chunk: Buffer) => {
      const tunnel = connection.toDuplex();
      if (tunnel.write(chunk) || connection !== current) return;
      socket.pause();
      tunnel.once('drain', () => !finished && connection === current && socket.resume());
    };
    const onData = (chunk: Buffer) => {
      // Between a refused tunnel and its replay the socket is paused; what was already read joins the copy.
      if (redialing) return void copy.push(chunk);
      if (replayable) {
        copy.push(chunk);
        copied += chunk.length;
        if (copied > MAX_EARLY_BYTES) {
          replayable = false;
          copy.length = 0;
        }
      }
      send(current, chunk);
    };
    const onEnd = () => {
      ended = true;
      void current.end();
    };
    let socketError: TransportError | undefined;
    const onError = (error: Error) => (socketError ??= socketFailed(socketAddress, error));
    // The application gave up before the server answered: cancel the tunnel, nothing to carry any more.
    const onClose = () => {
      current.close(socketError);
      finish(socketError === undefined ? { _tag: 'Abandoned' } : { _tag: 'Failed', error: socketError });
    };
    const finish = (outcome: EarlyOutcome) => {
      if (finished) return;
      finished = true;
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (!socket.readableEnded) socket.pause();
      resolve(outcome);
    };
    const watch = (connection: Connection) => {
      void connection.accepted.then((accepted) => {
        if (accepted && connection === current) finish({ _tag: 'Accepted', connection, replays });
      });
      void connection.done.then((result) => {
        if (connection !== current || finished || result._tag === 'Right') return;
        if (!replayable || replays >= MAX_REPLAYS || !wasNotProcessed(result.left)) return finish({ _tag: 'Failed', error: result.left });
        replays++;
        redialing = true;
        socket.pause();
        redial().subscribe({
          next: (next) => {
            current = next;
            redialing = false;
            watch(next);
            for (const chunk of copy) send(next, chunk);
            if (ended) void next.end();
            else if (next.toDuplex().writableNeedDrain === false) socket.resume();
          },
          error: (error: unknown) => finish({ _tag: 'Failed', error: error as TransportError }),
        });
      });
    };

    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.on('error', onError);
    socket.once('close', onClose);
    watch(first);
  });
}
