/** A configured XHTTP path split as Xray uses it: the base every request starts with, and a query appended to each. */
export interface XhttpPath {
  /** Starts and ends with `/`: the session id and seq follow it. */
  readonly base: string;
  /** What followed the first `?`, without it; sent verbatim on every request, ignored by a server. */
  readonly query: string;
}

/**
 * Xray's normalization of an XHTTP path (splithttp/config.go `GetNormalizedPath`): cut at the first `?`,
 * add a leading `/`, and a trailing one, because the session id and seq are appended as segments and a
 * server matches by prefix. So `"/tun"` in a config means `/tun/`, and a request for `/tun` itself is a 404.
 *
 * @example
 * ```ts
 * normalizeXhttpPath('p');           // { base: '/p/', query: '' }
 * normalizeXhttpPath('/p?ed=2048');  // { base: '/p/', query: 'ed=2048' }
 * normalizeXhttpPath('');            // { base: '/', query: '' }
 * ```
 */
export function normalizeXhttpPath(path: string): XhttpPath {
  const mark = path.indexOf('?');
  const bare = mark < 0 ? path : path.slice(0, mark);
  const query = mark < 0 ? '' : path.slice(mark + 1);
  const leading = bare.startsWith('/') ? bare : `/${bare}`;
  return { base: leading.endsWith('/') ? leading : `${leading}/`, query };
}
