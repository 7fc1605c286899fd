import type { AddressInfo } from 'node:net';
import type { Subscription } from 'rxjs';
import { SessionManager, type SessionEvent } from '../../src/client/pool/session-manager.js';
import type { DialSettings } from '../../src/settings/settings.js';
import type { Connection } from '../../src/connection/connection.js';
import type { ServerEvent } from '../../src/server/server-events.js';
import type { ListenOptions } from '../../src/server/server-options.js';
import { listen, type TunnelServer } from '../../src/server/listen.js';
import { testCertificate } from './certs.js';

/** What a tunnel server started in-process does with each accepted tunnel. */
export type TunnelHandler = (connection: Connection) => void;

/** A tunnel server on 127.0.0.1, port 0, with what tests need to reach and inspect it. */
export interface InProcessServer {
  readonly port: number;
  /** `127.0.0.1:port`, for `dial`. */
  readonly address: string;
  /** The certificate it serves (PEM); trust it as the client's CA. Undefined for h2c. */
  readonly cert: string | undefined;
  readonly server: TunnelServer;
  /** Every server event so far, in order. */
  readonly events: ServerEvent[];
  /** Accepted tunnels so far. */
  readonly accepted: Connection[];
  close(): Promise<void>;
}

/** Pipes every byte of a tunnel back to its sender, ending when the sender ends. */
export const echo: TunnelHandler = (connection) => {
  const duplex = connection.toDuplex();
  duplex.pipe(duplex);
};

/**
 * Starts {@link listen} on 127.0.0.1:0 (TLS with the shared test certificate unless `h2c`), answering
 * tunnels with `handler` (echo by default). `close` is safe to call twice.
 *
 * @example
 * ```ts
 * const peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
 * after(() => peer.close());
 * ```
 */
export async function startServer(options: Partial<ListenOptions> = {}, handler: TunnelHandler = echo): Promise<InProcessServer> {
  const pair = options.h2c === true ? undefined : await testCertificate();
  const server = await listen({ listen: '127.0.0.1:0', ...(pair === undefined ? {} : { tls: pair }), ...options });
  const events: ServerEvent[] = [];
  const accepted: Connection[] = [];
  const subscriptions: Subscription[] = [
    server.events.subscribe((event) => events.push(event)),
    server.connections.subscribe((connection) => {
      accepted.push(connection);
      handler(connection);
    }),
  ];
  const port = (server.address as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    address: `127.0.0.1:${port}`,
    cert: pair?.cert,
    server,
    events,
    accepted,
    close: () => {
      closing ??= server.close(0).finally(() => subscriptions.forEach((s) => s.unsubscribe()));
      return closing;
    },
  };
}

/** A server shared by a suite, and the client manager of the running test. */
export interface PeerPerSuite {
  readonly peer: InProcessServer;
  /** A fresh manager for each test, closed after it. */
  readonly manager: SessionManager;
  /** Every event of this test's manager so far, in order. */
  readonly events: SessionEvent[];
}

/**
 * Registers mocha hooks in the calling `describe`: {@link startServer} once before the suite (closed
 * after it), and a fresh {@link SessionManager} recording its events before each test (closed after
 * it). Read the fields from the returned object inside the tests.
 *
 * @example
 * ```ts
 * const suite = peerPerSuite({ host: ['tunnel.test'], path: '/tun' });
 * it('dials', () => openTunnel(suite.peer.address, dialSettingsFor(suite.peer), { manager: suite.manager }));
 * ```
 */
export function peerPerSuite(options: Partial<ListenOptions> = {}, handler: TunnelHandler = echo): PeerPerSuite {
  let peer: InProcessServer | undefined;
  let manager: SessionManager | undefined;
  let events: SessionEvent[] = [];
  before(async () => {
    peer = await startServer(options, handler);
  });
  beforeEach(() => {
    const created = new SessionManager();
    manager = created;
    events = [];
    created.events.subscribe((event) => events.push(event));
  });
  afterEach(() => manager?.close());
  after(() => peer?.close());
  const outsideTest = (what: string) => new Error(`peerPerSuite: the ${what} exists only inside the suite's tests`);
  return {
    get peer() {
      if (peer === undefined) throw outsideTest('peer');
      return peer;
    },
    get manager() {
      if (manager === undefined) throw outsideTest('manager');
      return manager;
    },
    get events() {
      return events;
    },
  };
}

/**
 * Client settings that reach `peer`: its host and path, TLS trusting its certificate with server name
 * `tunnel.test` (or h2c), and health checks off so no timer outlives a test.
 */
export function dialSettingsFor(peer: InProcessServer, extra: DialSettings = {}): DialSettings {
  const security: DialSettings = peer.cert === undefined ? { h2c: true } : { tls: { serverName: 'tunnel.test', ca: peer.cert } };
  return { host: ['tunnel.test'], path: '/tun', readIdleTimeoutMs: 0, ...security, ...extra };
}
