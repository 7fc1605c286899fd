import { watchPeerEnd } from '../../connection/peer-end.js';
import { sessionClosed } from '../../errors/transport-error.js';
import type { XhttpExchange } from './exchange.js';

/**
 * Makes an HTTP/2 request body that was reset fail instead of ending: Node ends a stream's readable side
 * for an RST_STREAM as for END_STREAM, and a cut-off packet or stream upload must not pass for a whole
 * one (see {@link watchPeerEnd}). An HTTP/1.1 body cut off never ends, so it needs nothing.
 *
 * @example
 * ```ts
 * guardBodyEnd(exchange);
 * const body = await readPacket(exchange.body, limit); // { kind: 'cut' } for a reset packet
 * ```
 */
export function guardBodyEnd(exchange: XhttpExchange): void {
  if (exchange.stream !== undefined) watchPeerEnd(exchange.stream, () => sessionClosed('the request was cut off before its end'));
}
