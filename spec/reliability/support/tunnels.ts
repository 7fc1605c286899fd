import { lastValueFrom, toArray } from 'rxjs';
import type { SessionManager } from '../../../src/client/pool/session-manager.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import type { Connection } from '../../../src/connection/connection.js';
import { openTunnel as open } from '../../../src/client/open-tunnel.js';

/** Dials one tunnel on `manager`, resolving with the connection or rejecting with the typed error. */
export function openTunnel(manager: SessionManager, address: string, settings: DialSettings): Promise<Connection> {
  return open(address, settings, { manager });
}

/** Sends `payload`, half-closes, and resolves with every byte that came back. */
export async function roundTrip(connection: Connection, payload: Buffer): Promise<Buffer> {
  const received = lastValueFrom(connection.output.pipe(toArray()), { defaultValue: [] as Buffer[] });
  await connection.write(payload);
  await connection.end();
  return Buffer.concat(await received);
}

/** A deterministic payload of `size` bytes, so a swapped or lost chunk shows. */
export function pattern(size: number, seed = 0): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return out;
}
