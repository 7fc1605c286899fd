import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, type InvalidConfig } from '../../errors/transport-error.js';
import type { XhttpServerRules } from '../../protocol/xhttp/classify-request.js';
import type { ResponseHeadRules } from '../../protocol/xhttp/response-headers.js';
import { normalizeXhttpPath } from '../../protocol/xhttp/xhttp-path.js';
import type { HostList } from '../../settings/hosts.js';
import { resolveXhttpSettings } from '../../settings/resolve-xhttp-settings.js';
import type { Range, XhttpServerSettings } from '../../settings/xhttp-settings.js';
import type { SessionTableLimits } from './session-table.js';

/** An XHTTP listener's settings, validated. */
export interface XhttpServerConfig {
  readonly rules: XhttpServerRules;
  readonly responses: ResponseHeadRules;
  readonly streamUpPaddingMs: Range | undefined;
  readonly uploadGraceMs: number;
  readonly table: SessionTableLimits;
  /** XHTTP has a path of its own, and v2ray's PUT keeps the listener's path. */
  readonly besideV2ray: boolean;
}

/** Defaults of the listener-only XHTTP settings. */
export const XHTTP_SERVER_DEFAULTS = {
  sessionTimeoutMs: 30_000,
  maxPendingSessions: 1_000,
  maxPendingBytes: 64 * 1024 * 1024,
  // Xray's client ends a stream upload and cancels the download together; either may arrive first.
  uploadGraceMs: 2_000,
} as const;

/**
 * The XHTTP part of a listener's options, validated: the Host rule is Xray's (case-insensitive, port
 * ignored; none configured accepts any), the path is `xhttp.path` or the listener's, normalized.
 *
 * @example
 * ```ts
 * resolveXhttpServer({ path: '/tun', xhttp: { mode: 'packet-up' } }, undefined); // right({ rules: { base: '/tun/', mode: 'packet-up', … }, … })
 * ```
 */
export function resolveXhttpServer(
  options: { readonly path?: string; readonly xhttp: XhttpServerSettings },
  hosts: HostList | undefined,
): E.Either<InvalidConfig, XhttpServerConfig> {
  const { path, sessionTimeoutMs, maxPendingSessions, maxPendingBytes, ...settings } = options.xhttp;
  const resolved = resolveXhttpSettings(settings);
  if (E.isLeft(resolved)) return resolved;
  if (path !== undefined && typeof path !== 'string') return E.left(invalidConfig('xhttp.path', 'must be a string'));
  for (const [key, value] of [
    ['sessionTimeoutMs', sessionTimeoutMs],
    ['maxPendingSessions', maxPendingSessions],
    ['maxPendingBytes', maxPendingBytes],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) {
      return E.left(invalidConfig(`xhttp.${key}`, `must be a whole number above 0, got ${JSON.stringify(value)}`));
    }
  }
  const xhttp = resolved.right;
  return E.right({
    rules: {
      hosts,
      hostMatch: 'xray',
      base: normalizeXhttpPath(path ?? options.path ?? '').base,
      mode: xhttp.mode,
      paddingBytes: xhttp.paddingBytes,
      maxPacketBytes: xhttp.maxEachPostBytes.to,
    },
    responses: { paddingBytes: xhttp.paddingBytes, noSSEHeader: xhttp.noSSEHeader },
    streamUpPaddingMs: xhttp.streamUpPaddingIntervalMs,
    uploadGraceMs: XHTTP_SERVER_DEFAULTS.uploadGraceMs,
    table: {
      downloadTimeoutMs: sessionTimeoutMs ?? XHTTP_SERVER_DEFAULTS.sessionTimeoutMs,
      window: xhttp.maxBufferedPosts,
      maxPendingSessions: maxPendingSessions ?? XHTTP_SERVER_DEFAULTS.maxPendingSessions,
      maxPendingBytes: maxPendingBytes ?? XHTTP_SERVER_DEFAULTS.maxPendingBytes,
    },
    besideV2ray: path !== undefined,
  });
}
