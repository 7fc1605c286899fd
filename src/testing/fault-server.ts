import * as net from 'node:net';
import type { Http2Session, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { constants } from 'node:http2';
import type { DialSettings } from '../settings/settings.js';
import { selfSignedCertificate, type CertificatePair } from '../tls/self-signed.js';
import { answerTunnel } from './answer-tunnel.js';
import { checkFaultOptions, type FaultServerOptions } from './fault-options.js';
import { FaultRelay } from './fault-relay.js';
import { createInnerServer } from './inner-server.js';

/** A running fault-injecting tunnel server. */
export interface FaultServer {
  /** `127.0.0.1:port`, ready for `dial`. */
  readonly address: string;
  readonly port: number;
  /** The certificate served (TLS only): trust `certificate.cert` as the CA. */
  readonly certificate: CertificatePair | undefined;
  /** Settings that dial this server: Host `tunnel.test`, path `/`, trusting its certificate (or h2c). */
  readonly dialSettings: DialSettings;
  /** Open TCP connections, open HTTP/2 sessions, and tunnels seen over the server's life. */
  stats(): { readonly connections: number; readonly sessions: number; readonly streams: number };
  /** Every connection, now and later, stops reading and writing while staying open. */
  goSilent(): void;
  /** Resets every open TCP connection now (as a crashed or unplugged peer). */
  dropConnections(): void;
  /** Sends GOAWAY (NO_ERROR) on every open session now; open tunnels may finish. */
  goaway(): void;
  /** Closes everything at once. */
  close(): Promise<void>;
}

let throwaway: Promise<CertificatePair> | undefined;

/**
 * Starts a fault-injecting tunnel server on 127.0.0.1 for tests: by default a TLS echo server with a
 * throwaway certificate, misbehaving as {@link FaultServerOptions} say. A number Node would not take
 * (a delay past 2^31-1 ms, a setting past 2^32-1) rejects with an `InvalidConfig` naming the option.
 *
 * @example
 * ```ts
 * const server = await startFaultServer({ failFirst: 2 });
 * dial(server.address, server.dialSettings).pipe(retry(2)).subscribe(useConnection); // third try wins
 * await server.close();
 * ```
 */
export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  checkFaultOptions(options);
  const h2c = options.h2c === true;
  const certificate = h2c ? undefined : (options.certificate ?? (await defaultCertificate()));
  const open = new Set<FaultRelay>();
  const sessions = new Set<ServerHttp2Session>();
  const perSession = new WeakMap<Http2Session, number>();
  let streams = 0;
  let silentAll = false;

  // The relay of a session is the one whose connection to the inner server has the session's peer port.
  const relayOf = async (session: Http2Session): Promise<FaultRelay | undefined> => {
    const port = session.socket?.remotePort;
    for (const relay of open) if ((await relay.innerPort) === port) return relay;
    return undefined;
  };
  const silence = (session: Http2Session) => void relayOf(session).then((relay) => relay?.silence());

  const inner = createInnerServer(
    options,
    certificate,
    (session) => {
      sessions.add(session);
      session.on('error', () => undefined);
      session.once('close', () => sessions.delete(session));
      if (options.silentAfterStreams === 0 || silentAll) silence(session);
    },
    (stream: ServerHttp2Stream) => {
      const session = stream.session;
      if (session === undefined) return;
      const count = (perSession.get(session) ?? 0) + 1;
      perSession.set(session, count);
      if (options.silentAfterStreams !== undefined && count > options.silentAfterStreams) return silence(session);
      answerTunnel(stream, ++streams, options);
      if (options.goawayAfterStreams !== undefined && count === options.goawayAfterStreams) {
        // The last-stream-id tells the client its in-flight streams were accepted and will finish.
        session.goaway(constants.NGHTTP2_NO_ERROR, stream.id ?? 0);
      }
    },
  );
  const innerPort = await listenOn(inner, 0);

  const front = net.createServer((client) => {
    const relay = new FaultRelay(client, innerPort, options, () => open.delete(relay));
    open.add(relay);
    if (silentAll || (h2c && options.silentAfterStreams === 0)) relay.silence();
  });
  const port = await listenOn(front, options.port ?? 0);

  return {
    address: `127.0.0.1:${port}`,
    port,
    certificate,
    dialSettings: h2c
      ? { host: ['tunnel.test'], path: '/', h2c: true }
      : { host: ['tunnel.test'], path: '/', tls: { serverName: 'tunnel.test', ca: certificate?.cert } },
    stats: () => ({ connections: open.size, sessions: sessions.size, streams }),
    goSilent: () => {
      silentAll = true;
      for (const relay of open) relay.silence();
    },
    dropConnections: () => {
      for (const relay of [...open]) relay.drop();
    },
    goaway: () => {
      for (const session of sessions) if (!session.destroyed) session.goaway(constants.NGHTTP2_NO_ERROR, lastStreamId(session));
    },
    close: async () => {
      for (const relay of [...open]) relay.drop();
      for (const session of sessions) session.destroy();
      await Promise.all([closeServer(front), closeServer(inner)]);
    },
  };
}

function defaultCertificate(): Promise<CertificatePair> {
  throwaway ??= selfSignedCertificate(['tunnel.test', 'localhost', '127.0.0.1']);
  return throwaway;
}

// Node keeps the highest stream id it has seen in the session state.
function lastStreamId(session: ServerHttp2Session): number {
  return session.state.lastProcStreamID ?? 0;
}

function listenOn(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
