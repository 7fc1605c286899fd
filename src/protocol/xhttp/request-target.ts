import { randomUUID } from 'node:crypto';
import type { XhttpPath } from './xhttp-path.js';

/** What one XHTTP request is for; the server tells them apart by method, session id and seq. */
export type RequestTarget =
  /** One request carrying both directions: `POST <base>`. */
  | { readonly kind: 'stream-one' }
  /** A session's download: `GET <base><session>`. */
  | { readonly kind: 'download'; readonly sessionId: string }
  /** A session's streaming upload: `POST <base><session>`. */
  | { readonly kind: 'stream-up'; readonly sessionId: string }
  /** One packet of a session's upload: `POST <base><session>/<seq>`. */
  | { readonly kind: 'packet'; readonly sessionId: string; readonly seq: number };

/**
 * The request path of `target` under `path`, with the configured query appended, as Xray's client builds
 * it (path placement of session and seq, the default).
 *
 * @example
 * ```ts
 * requestPath({ base: '/p/', query: 'ed=2048' }, { kind: 'packet', sessionId: 'abc', seq: 3 }); // '/p/abc/3?ed=2048'
 * requestPath({ base: '/p/', query: '' }, { kind: 'stream-one' });                              // '/p/'
 * ```
 */
export function requestPath(path: XhttpPath, target: RequestTarget): string {
  const tail =
    target.kind === 'stream-one'
      ? ''
      : target.kind === 'packet'
        ? `${encodeURIComponent(target.sessionId)}/${target.seq}`
        : encodeURIComponent(target.sessionId);
  return `${path.base}${tail}${path.query === '' ? '' : `?${path.query}`}`;
}

/** The method a target is requested with: `GET` for a download, the upload method otherwise (Xray: POST). */
export function requestMethod(target: RequestTarget, uploadMethod: string): string {
  return target.kind === 'download' ? 'GET' : uploadMethod;
}

/**
 * A new session id: a random UUID v4, lower case with hyphens, as Xray's client makes them.
 *
 * @example
 * ```ts
 * newSessionId(); // '8f4a521e-8b15-4ea5-8064-eef9b7bf9a0b'
 * ```
 */
export function newSessionId(): string {
  return randomUUID();
}
