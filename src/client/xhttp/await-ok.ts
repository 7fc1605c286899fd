import { timeout, unexpectedStatus } from '../../errors/transport-error.js';
import type { ClientExchange, ClientResponse } from './client-exchange.js';
import { nudgeHeldResponse } from './nudge-held-response.js';

/**
 * The exchange's response once it is a 200; any other status or no answer within `timeoutMs` rejects
 * (a typed error) and cancels the exchange. A download or stream-one refused also stops new tunnels on its
 * connection, as Xray's client drops its client on a non-200. Over HTTP/2 the session is PINGed while
 * the answer is late, for proxies that hold response headers back ({@link nudgeHeldResponse}).
 *
 * @example
 * ```ts
 * const response = await awaitOk(download, 10_000, true);
 * ```
 */
export async function awaitOk(exchange: ClientExchange, timeoutMs: number, evictOnRefusal: boolean): Promise<ClientResponse> {
  let timer: NodeJS.Timeout | undefined;
  const stopNudging = nudgeHeldResponse(exchange.session, timeoutMs);
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timeout('waiting for the XHTTP response', timeoutMs)), timeoutMs);
  });
  try {
    const response = await Promise.race([exchange.response, deadline]);
    if (response.status === 200) return response;
    const refused = unexpectedStatus(response.status);
    if (evictOnRefusal) exchange.evictConnection(refused);
    throw refused;
  } catch (error) {
    exchange.cancel();
    throw error;
  } finally {
    clearTimeout(timer);
    stopNudging();
  }
}
