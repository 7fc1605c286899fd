import type { HostList } from '../../settings/hosts.js';
import type { Range, XhttpMode } from '../../settings/xhttp-settings.js';
import { hostAccepted, type HostMatch } from '../route.js';
import { paddingAccepted, requestPadding } from './padding.js';

/** What a server needs to know of one request to classify it. */
export interface XhttpRequestFacts {
  readonly method: string;
  readonly authority: string | undefined;
  /** The raw request target: path and query, percent-encoded. */
  readonly path: string;
  readonly referer: string | undefined;
  /** The declared body length; undefined for a streamed (chunked) body. */
  readonly contentLength: number | undefined;
}

/** A server's XHTTP rules. `hosts` undefined accepts any Host. */
export interface XhttpServerRules {
  readonly hosts: HostList | undefined;
  readonly hostMatch: HostMatch;
  /** The normalized base path, ending in `/`. */
  readonly base: string;
  /** `auto` accepts every mode; another refuses the others (400), as Xray. */
  readonly mode: XhttpMode;
  readonly paddingBytes: Range;
  /** The largest packet body accepted (413 above): the `to` of `maxEachPostBytes`. */
  readonly maxPacketBytes: number;
}

/** Why a request is refused before any session is touched; a 404 says nothing about XHTTP being there. */
export type XhttpRefusal =
  | { readonly _tag: 'Refuse'; readonly status: 404; readonly reason: 'host' | 'path' }
  | { readonly _tag: 'Refuse'; readonly status: 400; readonly reason: 'padding' | 'mode' | 'session-id' | 'seq' }
  | { readonly _tag: 'Refuse'; readonly status: 413; readonly reason: 'packet-size' };

/** What the server does with a request. */
export type XhttpDecision =
  | XhttpRefusal
  /** A CORS preflight: 200 with the CORS headers, nothing else. */
  | { readonly _tag: 'Preflight' }
  /** One request, both directions: the body up, the response down. */
  | { readonly _tag: 'StreamOne' }
  /** A session's download (GET without seq). */
  | { readonly _tag: 'Download'; readonly sessionId: string }
  /** A session's streaming upload (not GET, no seq). */
  | { readonly _tag: 'StreamUp'; readonly sessionId: string }
  /** One packet of a session's upload (a seq, any method). */
  | { readonly _tag: 'Packet'; readonly sessionId: string; readonly seq: number };

// Xray does not check the id; a bound keeps a hostile one from costing memory. Its UUIDs have 36 characters.
const MAX_SESSION_ID = 128;
const SEQ = /^\d{1,15}$/;

/**
 * Xray's server rules (splithttp/hub.go `ServeHTTP`), in its order: Host and path (404), OPTIONS
 * (preflight), padding (400), then the request's shape by method, session id and seq, the mode gate
 * (400) and a declared packet size (413). A session id's length and a seq that is not a decimal are
 * refused with 400 here (Xray: no check, and 500).
 *
 * @example
 * ```ts
 * classifyXhttpRequest({ method: 'POST', authority: 't.test', path: '/p/abc/0', referer: 'https://t.test/p/?x_padding=' + 'X'.repeat(100), contentLength: 10 }, rules);
 * // { _tag: 'Packet', sessionId: 'abc', seq: 0 }
 * ```
 */
export function classifyXhttpRequest(request: XhttpRequestFacts, rules: XhttpServerRules): XhttpDecision {
  if (rules.hosts !== undefined && (request.authority === undefined || !hostAccepted(request.authority, rules.hosts, rules.hostMatch))) {
    return refuse(404, 'host');
  }
  const path = decodedPath(request.path);
  if (path === undefined || !path.startsWith(rules.base)) return refuse(404, 'path');
  if (request.method === 'OPTIONS') return { _tag: 'Preflight' };
  if (!paddingAccepted(requestPadding(request.referer, request.path), rules.paddingBytes)) return refuse(400, 'padding');
  const [sessionId = '', seqText] = path.slice(rules.base.length).split('/');
  if (sessionId === '') return allowed(rules.mode, 'stream-one', { _tag: 'StreamOne' });
  if (sessionId.length > MAX_SESSION_ID) return refuse(400, 'session-id');
  if (seqText === undefined || seqText === '') {
    return request.method === 'GET' ? { _tag: 'Download', sessionId } : allowed(rules.mode, 'stream-up', { _tag: 'StreamUp', sessionId });
  }
  if (!SEQ.test(seqText)) return refuse(400, 'seq');
  if (request.contentLength !== undefined && request.contentLength > rules.maxPacketBytes) return allowed(rules.mode, 'packet-up', refuse(413, 'packet-size'));
  return allowed(rules.mode, 'packet-up', { _tag: 'Packet', sessionId, seq: Number(seqText) });
}

// Xray's gates: stream-one passes a server in auto, stream-one or stream-up mode; the others only their own or auto.
function allowed(mode: XhttpMode, shape: 'stream-one' | 'stream-up' | 'packet-up', decision: XhttpDecision): XhttpDecision {
  if (mode === 'auto' || mode === shape || (shape === 'stream-one' && mode === 'stream-up')) return decision;
  return refuse(400, 'mode');
}

function refuse<S extends XhttpRefusal['status']>(status: S, reason: Extract<XhttpRefusal, { status: S }>['reason']): XhttpRefusal {
  return { _tag: 'Refuse', status, reason } as XhttpRefusal;
}

// Xray compares the percent-decoded path without its query.
function decodedPath(target: string): string | undefined {
  const mark = target.indexOf('?');
  const raw = mark < 0 ? target : target.slice(0, mark);
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
