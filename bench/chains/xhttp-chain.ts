import type { BenchChild } from '../child.js';
import { startXhttpCliClient, startXhttpCliServer } from './xhttp-cli-chain.js';
import type { XhttpMode } from './xhttp-stream.js';
import { startXrayClient, startXrayServer } from './xray-chain.js';

export type { XhttpMode } from './xhttp-stream.js';

/** Ours (the CLI, `xhttp-…`) or Xray's (`xray-…`) XHTTP chain in one mode. */
export type XhttpChainName = `xhttp-${XhttpMode}` | `xray-${XhttpMode}`;

/** Every mode, in the order the tables show them. */
export const XHTTP_MODES: readonly XhttpMode[] = ['stream-one', 'packet-up', 'stream-up'];

/** What the XHTTP chains need: the certificate files, a scratch dir for configs, the echo target, Xray. */
export interface XhttpContext {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly echoPort: number;
  readonly xray?: string | undefined;
}

/** The two ends of a chain, started apart so the link can sit between them. */
export interface XhttpEnds {
  server(): Promise<BenchChild>;
  client(serverPort: number): Promise<BenchChild>;
}

/**
 * The chain names of `modes`, ours before Xray's within each mode, so the two run back to back.
 *
 * @example
 * ```ts
 * xhttpChainNames(['stream-one']); // ['xhttp-stream-one', 'xray-stream-one']
 * ```
 */
export function xhttpChainNames(modes: readonly XhttpMode[]): XhttpChainName[] {
  return modes.flatMap((mode): XhttpChainName[] => [`xhttp-${mode}`, `xray-${mode}`]);
}

/**
 * Whether `name` is an XHTTP chain (ours or Xray's).
 *
 * @example
 * ```ts
 * isXhttpChain('xray-packet-up'); // true
 * ```
 */
export function isXhttpChain(name: string): name is XhttpChainName {
  return XHTTP_MODES.some((mode) => name === `xhttp-${mode}` || name === `xray-${mode}`);
}

/**
 * The mode and the side (ours or Xray's) of an XHTTP chain name.
 *
 * @example
 * ```ts
 * xhttpChainOf('xray-stream-one'); // { mode: 'stream-one', xray: true }
 * ```
 */
export function xhttpChainOf(name: XhttpChainName): { readonly mode: XhttpMode; readonly xray: boolean } {
  const xray = name.startsWith('xray-');
  return { mode: name.slice(xray ? 'xray-'.length : 'xhttp-'.length) as XhttpMode, xray };
}

/**
 * How to start each end of `name`: the h2tunnel CLI (`--stream-settings`) or Xray, both from the same
 * XHTTP `streamSettings` of the mode.
 *
 * @example
 * ```ts
 * const ends = xhttpEnds('xhttp-packet-up', context);
 * const server = await ends.server();
 * const client = await ends.client(server.ready.port as number);
 * ```
 */
export function xhttpEnds(name: XhttpChainName, context: XhttpContext): XhttpEnds {
  const { mode, xray } = xhttpChainOf(name);
  const files = { certFile: context.certFile, keyFile: context.keyFile };
  if (!xray) {
    return {
      server: () => startXhttpCliServer(context.dir, files, context.echoPort, mode),
      client: (serverPort) => startXhttpCliClient(context.dir, context.certFile, serverPort, mode),
    };
  }
  const binary = context.xray;
  if (binary === undefined) throw new Error('xray is not installed');
  return {
    server: () => startXrayServer(binary, context.dir, files, context.echoPort, mode),
    client: (serverPort) => startXrayClient(binary, context.dir, context.certFile, serverPort, mode),
  };
}

/**
 * Starts both ends of `name` on loopback, server first.
 *
 * @example
 * ```ts
 * const { client, server } = await startXhttpChain('xray-stream-one', context);
 * ```
 */
export async function startXhttpChain(name: XhttpChainName, context: XhttpContext): Promise<{ client: BenchChild; server: BenchChild }> {
  const ends = xhttpEnds(name, context);
  const server = await ends.server();
  try {
    return { client: await ends.client(server.ready.port as number), server };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
