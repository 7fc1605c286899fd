import { invalidConfig, type InvalidConfig } from '../../errors/transport-error.js';

// The config readers understand Xray's XHTTP JSON (network "xhttp"), but this build's dial() and listen()
// do not speak XHTTP yet: they would silently carry the tunnels as v2ray PUTs, which an Xray peer refuses.
// Until they do, the CLI stops with exit 2 instead. REMOVE this file and its calls (config-file-parts.ts,
// client-config.ts, server-config.ts) and spec/cli/xhttp-pending.spec.ts when XHTTP dial/listen land.

/**
 * The refusal of settings that ask for XHTTP, naming where they come from; undefined for other settings.
 *
 * @example
 * ```ts
 * const pending = xhttpPending(settings.xhttp, 'stream.json: streamSettings.network');
 * if (pending !== undefined) return E.left(pending);
 * ```
 */
export function xhttpPending(xhttp: unknown, key: string): InvalidConfig | undefined {
  return xhttp === undefined ? undefined : invalidConfig(key, '"xhttp" is read, but this build of h2tunnel does not speak XHTTP yet');
}
