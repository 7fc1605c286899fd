import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Connection } from '../../src/connection/connection.js';

/**
 * A tunnel to an echo server kept open by a test, which can tell it still carries bytes both ways.
 *
 * @example
 * ```ts
 * const probe = new EchoProbe(await openTunnel(address, settings, { manager }));
 * await probe.alive();
 * await probe.end();
 * ```
 */
export class EchoProbe {
  private readonly duplex: Duplex;

  constructor(readonly connection: Connection) {
    this.duplex = connection.toDuplex();
    this.duplex.on('error', () => undefined);
  }

  /** The HTTP/2 session the tunnel (its download, for XHTTP) rides on, by the pool's id. */
  get session(): number | undefined {
    return this.connection.info.session;
  }

  /** Resolves once a few bytes went through the echo and came back; rejects after `ms`. */
  async alive(ms = 5_000): Promise<void> {
    const token = Buffer.from(`ping ${Math.random()}\n`);
    const received: Buffer[] = [];
    let length = 0;
    const timer = AbortSignal.timeout(ms);
    this.duplex.write(token);
    while (length < token.length) {
      const [chunk] = (await once(this.duplex, 'data', { signal: timer })) as [Buffer];
      received.push(chunk);
      length += chunk.length;
    }
    if (!Buffer.concat(received).equals(token)) throw new Error('the echo came back different');
  }

  /** Ends the tunnel our way and waits for it to be done. */
  async end(): Promise<void> {
    this.duplex.end();
    this.duplex.resume();
    await this.connection.done;
  }
}
