import { addAbortSignal } from 'node:stream';
import type { ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { sessionClosed, type TransportError } from '../../errors/transport-error.js';
import { fromNodeError } from '../../errors/node-errors.js';
import type { XhttpRequestHead } from '../../protocol/xhttp/request-headers.js';
import type { HostPort } from '../../settings/address.js';
import { formatHostPort } from '../../settings/address.js';
import type { ResolvedDialSettings } from '../../settings/settings.js';
import type { SessionLease } from '../pool/session-lease.js';
import type { SessionManager } from '../pool/session-manager.js';
import type { ClientExchange, ClientResponse, RequestBody, XhttpTransport } from './client-exchange.js';
import { firstAnswer } from './first-answer.js';

/**
 * XHTTP over HTTP/2 on the session pool: each request takes a stream slot (a lease) and gives it back
 * when its stream closes, so a split tunnel's download, stream upload and packets share sessions as any
 * tunnels do, and spill over to another session at the server's stream limit. The tunnel's requests go
 * under one hold (`manager.holdTunnel()`), so the pool's reuse limits (XMUX) count them as Xray does: one tunnel
 * where the first went, each request where it goes.
 *
 * @example
 * ```ts
 * const exchange = await h2Transport(manager, target, plan.dial).open(head, { kind: 'none' }, signal);
 * ```
 */
export function h2Transport(manager: SessionManager, target: HostPort, settings: ResolvedDialSettings): XhttpTransport {
  const address = formatHostPort(target);
  const scheme = settings.security.kind === 'tls' ? 'https' : 'http';
  const hold = manager.holdTunnel();
  return {
    release: () => hold.release(),
    open: (head, body, signal) =>
      new Promise<SessionLease>((resolve, reject) => {
        if (signal.aborted) return reject(sessionClosed('the dial was cancelled'));
        const onAbort = () => {
          leasing.unsubscribe();
          reject(sessionClosed('the dial was cancelled'));
        };
        const leasing = manager.lease(target, settings, hold).subscribe({
          next: (lease) => {
            signal.removeEventListener('abort', onAbort);
            resolve(lease);
          },
          error: reject,
        });
        signal.addEventListener('abort', onAbort, { once: true });
      }).then((lease) => request(lease, head, body, scheme, address, signal)),
  };
}

function request(lease: SessionLease, head: XhttpRequestHead, body: RequestBody, scheme: string, address: string, signal: AbortSignal): ClientExchange {
  const headers: OutgoingHttpHeaders = Object.assign({}, head.headers as OutgoingHttpHeaders, {
    ':method': head.method,
    ':scheme': scheme,
    ':authority': head.authority,
    ':path': head.path,
  });
  if (body.kind === 'packet') headers['content-length'] = body.payload.length;
  let stream: ClientHttp2Stream;
  try {
    stream = lease.session.request(headers, { endStream: body.kind === 'none' || (body.kind === 'packet' && body.payload.length === 0) });
  } catch (error) {
    // Node throws here once the session got GOAWAY or is closing.
    const reason = fromNodeError(error, address);
    lease.release();
    lease.evict(reason);
    throw reason;
  }
  // The exchange's owner reports failures (the response promise, the tunnel); an unheard 'error' must not crash.
  stream.on('error', () => undefined);
  if (body.kind === 'packet' && body.payload.length > 0) stream.end(body.payload);
  const response = firstAnswer<ClientResponse>(
    stream,
    (resolve) => stream.once('response', (answer: IncomingHttpHeaders) => resolve({ status: Number(answer[':status']), body: stream })),
    () => sessionClosed('the stream closed before its response'),
    address,
  );
  response.catch(() => undefined);
  const cancel = () => cancelStream(stream);
  signal.addEventListener('abort', cancel, { once: true });
  stream.once('close', () => {
    signal.removeEventListener('abort', cancel);
    lease.release();
  });
  return {
    upload: stream,
    // A lease is a session past its connect and TLS checks.
    sent: Promise.resolve(),
    response,
    session: lease.session,
    sessionId: lease.sessionId,
    stream,
    cancel,
    evictConnection: (reason) => lease.evict(reason as TransportError),
  };
}

// Not stream.close(CANCEL): Node ends the writable side first, and the server would take a cut-off
// upload for a finished one. A destroy by abort resets with CANCEL and nothing before it.
function cancelStream(stream: ClientHttp2Stream): void {
  if (stream.destroyed) return;
  const abort = new AbortController();
  addAbortSignal(abort.signal, stream);
  abort.abort();
}
