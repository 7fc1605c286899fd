import type { Server as Http1Server } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

// What every HTTP/2 client sends first (RFC 9113 §3.4); an HTTP/1.1 request starts with a method.
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

type ConnectionListener = (this: unknown, socket: Socket) => void;

/**
 * Makes `server` also answer HTTP/1.1, through `http1`, as Xray's XHTTP server does: by whether the
 * client's first bytes are the HTTP/2 preface or not (h2c with prior knowledge in cleartext; over TLS
 * when ALPN chose h2, and HTTP/1.1 when it chose `http/1.1` or nothing; the server must offer
 * `http/1.1`: `allowHTTP1`). Node's own h2c server
 * takes no HTTP/1.1, and its `allowHTTP1` answers through the HTTP/2 compatibility API, which would
 * handle every HTTP/2 stream a second time; so Node's connection listener is wrapped instead.
 * A client silent for `sniffTimeoutMs` is dropped.
 *
 * @example
 * ```ts
 * const server = http2.createServer(options); // before anything else listens to its connections
 * serveHttp1Beside(server, http.createServer(onRequest), false, 4_000);
 * ```
 */
export function serveHttp1Beside(server: Http2Server | Http2SecureServer, http1: Http1Server, tls: boolean, sniffTimeoutMs: number): void {
  const event = tls ? 'secureConnection' : 'connection';
  const [http2Listener] = server.listeners(event) as ConnectionListener[];
  if (http2Listener === undefined) throw new Error(`the HTTP/2 server has no ${event} listener to wrap`);
  server.removeListener(event, http2Listener);
  const toHttp2 = (socket: Socket) => http2Listener.call(server, socket);
  const toHttp1 = (socket: Socket) => {
    http1.emit('connection', socket);
    // Node's HTTP/1 parser reads the socket's handle directly; bytes already read come through 'data'.
    socket.resume();
  };
  const dispatch = (socket: Socket) => sniff(socket, sniffTimeoutMs, (isHttp2) => (isHttp2 ? toHttp2(socket) : toHttp1(socket)));
  if (tls) {
    // ALPN h2 is not enough: Xray's client told to speak HTTP/1.1 still offers h2 in its Chrome-like
    // ClientHello (uTLS), takes it, and sends HTTP/1.1. Its first bytes say what it speaks.
    server.on(event, (socket: TLSSocket) => (socket.alpnProtocol === 'h2' ? dispatch(socket) : toHttp1(socket)));
    return;
  }
  server.on(event, dispatch);
}

function sniff(socket: Socket, timeoutMs: number, decided: (isHttp2: boolean) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const onError = () => clearTimeout(timer);
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, PREFACE.length);
    const http2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (http2 && n < PREFACE.length) return;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onError);
    socket.pause();
    socket.unshift(seen);
    decided(http2);
  };
  socket.on('data', onData);
  socket.once('error', onError);
}
