import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { openTunnel } from '../../src/client/open-tunnel.js';
import type { SessionManager } from '../../src/client/pool/session-manager.js';
import type { TransportError } from '../../src/errors/transport-error.js';
import type { DialSettings } from '../../src/settings/settings.js';

/**
 * How an XHTTP server refuses a dial: the dial's error, except in packet-up (`auto` too), whose tunnel
 * is handed out before its download is answered, as Xray's client does: there it is the tunnel's, and
 * the tunnel must not have been accepted. Rejects if nothing failed within `withinMs`.
 *
 * @example
 * ```ts
 * const error = await xhttpRefusal(destination, { ...settings, path: '/elsewhere/' }, manager);
 * assert.equal(error.code, 'H2T_ERR_STATUS');
 * ```
 */
export async function xhttpRefusal(destination: string, settings: DialSettings, manager: SessionManager, withinMs = 15_000): Promise<TransportError> {
  const mode = settings.xhttp?.mode ?? 'auto';
  if (mode !== 'packet-up' && mode !== 'auto') {
    return openTunnel(destination, settings, { manager }).then(
      (connection) => {
        connection.close();
        throw new Error(`the ${mode} dial was not refused`);
      },
      (error: unknown) => error as TransportError,
    );
  }
  const connection = await openTunnel(destination, settings, { manager });
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([connection.done, new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), withinMs)))]);
  clearTimeout(timer);
  if (result === 'hang') {
    connection.close();
    throw new Error(`the packet-up tunnel neither failed nor closed within ${withinMs} ms`);
  }
  assert.ok(E.isLeft(result), 'the refused packet-up tunnel ended without an error');
  assert.equal(await connection.accepted, false);
  return result.left;
}
