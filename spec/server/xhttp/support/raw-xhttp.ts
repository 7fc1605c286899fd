import type * as http2 from 'node:http2';

/** A `Referer` carrying `length` bytes of padding, as Xray's client sends it. */
export function referer(length = 200, base = '/tun/'): string {
  return `https://tunnel.test${base}?x_padding=${'X'.repeat(length)}`;
}

/** What came back for one request. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: http2.IncomingHttpHeaders;
  readonly stream: http2.ClientHttp2Stream;
}

/**
 * Sends one raw XHTTP request on `client` and resolves with its response headers; `body` undefined leaves
 * the request open, a Buffer is sent and ends it. Padding is in the Referer unless `headers` says otherwise.
 *
 * @example
 * ```ts
 * const answer = await xhttpRequest(client, 'POST', '/tun/s1/0', Buffer.from('hi'));
 * ```
 */
export function xhttpRequest(
  client: http2.ClientHttp2Session,
  method: string,
  path: string,
  body?: Buffer,
  headers: http2.OutgoingHttpHeaders = {},
): Promise<RawAnswer> {
  const endStream = method === 'GET' || (body !== undefined && body.length === 0);
  const stream = client.request({ ':method': method, ':path': path, ':authority': 'tunnel.test', referer: referer(), ...headers }, { endStream });
  stream.on('error', () => undefined);
  if (body !== undefined && body.length > 0) stream.end(body);
  return new Promise((resolve, reject) => {
    stream.once('response', (response) => resolve({ status: Number(response[':status']), headers: response, stream }));
    stream.once('close', () => reject(new Error(`stream closed without a response (rst ${stream.rstCode})`)));
  });
}

/** Reads a response body to its end. */
export function readAll(stream: http2.ClientHttp2Stream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** Reads from a response until `expected` bytes came. */
export function readBytes(stream: http2.ClientHttp2Stream, expected: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= expected) {
        stream.off('data', onData);
        resolve(Buffer.concat(chunks));
      }
    };
    stream.on('data', onData);
    stream.once('close', () => reject(new Error(`closed after ${length} of ${expected} bytes`)));
  });
}
