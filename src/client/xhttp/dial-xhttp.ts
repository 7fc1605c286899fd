import * as E from 'fp-ts/lib/Either.js';
import type { Readable } from 'node:stream';
import { Observable, throwError } from 'rxjs';
import { Connection } from '../../connection/connection.js';
import { fromNodeError } from '../../errors/node-errors.js';
import { xhttpRequestHead, type RequestHeadRules } from '../../protocol/xhttp/request-headers.js';
import { newSessionId, type RequestTarget } from '../../protocol/xhttp/request-target.js';
import { drawFromRange } from '../../protocol/xhttp/padding.js';
import { formatHostPort, type HostPort } from '../../settings/address.js';
import { destinationOf, type Destination } from '../../settings/destination.js';
import type { DialSettings } from '../../settings/settings.js';
import type { SessionManager } from '../pool/session-manager.js';
import { isDetached } from '../detach.js';
import { awaitOk } from './await-ok.js';
import type { ClientExchange, RequestBody, XhttpTransport } from './client-exchange.js';
import { ClientSplitTunnel } from './client-split-tunnel.js';
import { h1Transport } from './h1-transport.js';
import { h2Transport } from './h2-transport.js';
import { PacketSender } from './packet-sender.js';
import { StreamSender } from './stream-sender.js';
import { rememberedXhttpDial } from './remembered-xhttp-dial.js';
import type { XhttpDialPlan } from './xhttp-dial-plan.js';

// Under Xray's reorder window (30 packets) with room to spare; enough to keep a fast link busy.
const MAX_POSTS_IN_FLIGHT = 8;
// Xray closes a tunnel whose uplink ended after 1 s without a downloaded byte (policy downlinkOnly): packet-up's upload end.
const PACKET_UP_LINGER_MS = 1_000;

/** One tunnel's requests and where they go. */
interface TunnelPlan {
  readonly plan: XhttpDialPlan;
  readonly transport: XhttpTransport;
  readonly rules: RequestHeadRules;
  readonly address: string;
}

/**
 * Opens one XHTTP tunnel ({@link DialSettings.xhttp}) in the plan's mode, over HTTP/2 on `manager`'s
 * sessions or over HTTP/1.1, as a {@link Connection} that looks like any other. stream-one and stream-up
 * hand it out on the 200 of their download (stream-one: of its only request), or with `zeroRtt` once
 * their requests are on a connected socket; packet-up always does the latter, as Xray's client. A tunnel
 * handed out early has `accepted` resolve on the 200, and a refusal or no answer within
 * `responseTimeoutMs` fails the tunnel. It lives as long as the
 * subscription: unsubscribing before it emits cancels every request it made, after it closes the tunnel
 * (unless detached). Errors are typed.
 *
 * @example
 * ```ts
 * dialXhttp('tunnel.test:443', { host: ['tunnel.test'], path: '/tun/', tls: {}, xhttp: { mode: 'stream-up' } }, manager)
 *   .subscribe((connection) => connection.toDuplex().pipe(process.stdout));
 * ```
 */
export function dialXhttp(destination: Destination, settings: DialSettings, manager: SessionManager): Observable<Connection> {
  const target = destinationOf(destination);
  if (E.isLeft(target)) return throwError(() => target.left);
  const plan = rememberedXhttpDial(target.right, settings);
  if (E.isLeft(plan)) return throwError(() => plan.left);
  return new Observable<Connection>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    let handedOff: Connection | undefined;
    const tunnel = tunnelPlan(manager, target.right, plan.right);
    open(tunnel, controller.signal).then(
      (connection) => {
        settled = true;
        void connection.done.then(() => tunnel.transport.release());
        if (subscriber.closed) return connection.close();
        handedOff = connection;
        subscriber.next(connection);
        // As every dial: the tunnel lives as long as the subscription, which ends with the tunnel.
        void connection.done.then(() => subscriber.complete());
      },
      (error: unknown) => {
        settled = true;
        // Whatever requests it had made go with it.
        controller.abort();
        tunnel.transport.release();
        subscriber.error(fromNodeError(error, formatHostPort(target.right)));
      },
    );
    return () => {
      if (!settled) controller.abort();
      else if (handedOff !== undefined && !isDetached(handedOff)) handedOff.close();
    };
  });
}

function tunnelPlan(manager: SessionManager, target: HostPort, plan: XhttpDialPlan): TunnelPlan {
  const transport = plan.wire.version === '2' ? h2Transport(manager, target, plan.dial) : h1Transport(manager, target, plan.dial, plan.wire.tls);
  return { plan, transport, rules: { ...plan.head, authority: plan.pickAuthority() }, address: formatHostPort(target) };
}

function open(tunnel: TunnelPlan, signal: AbortSignal): Promise<Connection> {
  switch (tunnel.plan.mode) {
    case 'stream-one':
      return streamOne(tunnel, signal);
    case 'stream-up':
      return streamUp(tunnel, signal);
    case 'packet-up':
      return packetUp(tunnel, signal);
  }
}

// With zeroRtt (the CLI's default), as Xray's client, stream-one and stream-up hand the tunnel out once
// their requests are on a connected socket, so its first bytes go up with them: one round trip to the
// first echoed byte instead of two. The 200 then comes later; a refusal or no answer within
// responseTimeoutMs fails the tunnel instead of the dial.
async function streamOne(tunnel: TunnelPlan, signal: AbortSignal): Promise<Connection> {
  const exchange = await send(tunnel, { kind: 'stream-one' }, { kind: 'stream' }, signal);
  const early = tunnel.plan.dial.zeroRtt;
  const { answer } = await (early ? answerLater(tunnel, exchange) : answerNow(tunnel, exchange));
  // Over HTTP/2 the stream is the whole tunnel, as a v2ray PUT; over HTTP/1.1 request and response are two halves.
  if (exchange.stream !== undefined) {
    const connection = connectionOf(tunnel, exchange.stream, exchange, !early);
    // The refusal's reason, not the reset its cancel causes; after a local close it changes nothing.
    answer.then(
      () => connection.markAccepted(),
      (reason: unknown) => connection.close(reason),
    );
    return connection;
  }
  const upload = new StreamSender(exchange.upload, () => exchange.cancel());
  const download = { answer, session: undefined, cancel: () => exchange.cancel() };
  return accepting(connectionOf(tunnel, new ClientSplitTunnel(download, upload, { lingerMs: undefined }), exchange, !early), answer);
}

async function streamUp(tunnel: TunnelPlan, signal: AbortSignal): Promise<Connection> {
  const sessionId = newSessionId();
  // The upload goes out right after the download, without waiting for its answer (as Xray's client).
  const [download, post] = await Promise.all([
    send(tunnel, { kind: 'download', sessionId }, { kind: 'none' }, signal),
    send(tunnel, { kind: 'stream-up', sessionId }, { kind: 'stream' }, signal),
  ]);
  const early = tunnel.plan.dial.zeroRtt;
  const { answer } = await (early ? answerLater(tunnel, download, post) : answerNow(tunnel, download, post));
  const split = new ClientSplitTunnel({ answer, session: download.session, cancel: download.cancel }, new StreamSender(post.upload, post.cancel), {
    lingerMs: undefined,
  });
  // The upload's own answer carries only padding; another status than 200 ends the tunnel.
  awaitOk(post, tunnel.plan.dial.responseTimeoutMs, false).then(
    (response) => response.body.resume(),
    (error: unknown) => split.fail(fromNodeError(error, tunnel.address)),
  );
  return accepting(connectionOf(tunnel, split, download, !early), answer);
}

/**
 * Once `download` (and `others`) are sent, so a connect or TLS failure is still the dial's: the
 * download's 200 body, which a refusal or the deadline rejects later with the typed reason.
 */
async function answerLater(
  tunnel: TunnelPlan,
  download: ClientExchange,
  ...others: readonly ClientExchange[]
): Promise<{ readonly answer: Promise<Readable> }> {
  await Promise.all([download.sent, ...others.map((exchange) => exchange.sent)]);
  const answer = awaitOk(download, tunnel.plan.dial.responseTimeoutMs, true).then(
    (response) => response.body,
    (error: unknown) => Promise.reject(fromNodeError(error, tunnel.address)),
  );
  answer.catch(() => undefined);
  return { answer };
}

/** Without zeroRtt: the download's 200 body, waited for; a refusal or the deadline cancels `others` too and fails the dial. */
async function answerNow(tunnel: TunnelPlan, download: ClientExchange, ...others: readonly ClientExchange[]): Promise<{ readonly answer: Promise<Readable> }> {
  try {
    return { answer: Promise.resolve((await awaitOk(download, tunnel.plan.dial.responseTimeoutMs, true)).body) };
  } catch (error) {
    for (const exchange of others) exchange.cancel();
    throw error;
  }
}

/** The connection, marked accepted when `answer` comes (a split tunnel fails itself on a refusal). */
function accepting(connection: Connection, answer: Promise<Readable>): Connection {
  answer.then(
    () => connection.markAccepted(),
    () => undefined,
  );
  return connection;
}

// As Xray's client, packet-up hands the tunnel out once its GET is on a connected socket and uploads
// without waiting for the GET's 200: a proxy may hold that 200 until it has something else to send
// (nginx 1.22 over h2 does), and a tunnel whose target does not speak first would never open. A refusal,
// or no answer within responseTimeoutMs, then fails the tunnel; so does any packet refused.
async function packetUp(tunnel: TunnelPlan, signal: AbortSignal): Promise<Connection> {
  const sessionId = newSessionId();
  const download = await send(tunnel, { kind: 'download', sessionId }, { kind: 'none' }, signal);
  const { answer } = await answerLater(tunnel, download);
  const post = async (seq: number, payload: Buffer, postSignal: AbortSignal) => {
    try {
      const exchange = await send(tunnel, { kind: 'packet', sessionId, seq }, { kind: 'packet', payload }, postSignal);
      (await awaitOk(exchange, tunnel.plan.dial.responseTimeoutMs, false)).body.resume();
    } catch (error) {
      // Its bytes are lost: the tunnel fails now, not at its next write.
      split.fail(fromNodeError(error, tunnel.address));
      throw error;
    }
  };
  const limits = {
    maxBytes: drawFromRange(tunnel.plan.xhttp.maxEachPostBytes),
    intervalMs: tunnel.plan.xhttp.minPostsIntervalMs,
    maxInFlight: MAX_POSTS_IN_FLIGHT,
  };
  // `download.cancel` alone: a closure over `download` would keep its finished exchange for the tunnel's life.
  const split = new ClientSplitTunnel({ answer, session: download.session, cancel: download.cancel }, new PacketSender(post, limits), {
    lingerMs: PACKET_UP_LINGER_MS,
  });
  return accepting(connectionOf(tunnel, split, download, false), answer);
}

function send(tunnel: TunnelPlan, target: RequestTarget, body: RequestBody, signal: AbortSignal): Promise<ClientExchange> {
  return tunnel.transport.open(xhttpRequestHead(target, tunnel.rules), body, signal);
}

/** `answered`: the server's 200 came already; otherwise the caller marks the connection accepted when it does. */
function connectionOf(tunnel: TunnelPlan, stream: ConstructorParameters<typeof Connection>[0], download: ClientExchange, answered = true): Connection {
  const info = { remoteAddress: tunnel.address, authority: tunnel.rules.authority, path: tunnel.rules.path.base, session: download.sessionId };
  return new Connection(stream, info, tunnel.address, answered);
}
