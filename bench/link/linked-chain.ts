import { startChild, type BenchChild } from '../child.js';
import type { ChainContext } from '../chains/chain.js';
import { startCliClient, startCliServer } from '../chains/cli-chain.js';
import { startStunnelClient, startStunnelServer } from '../chains/stunnel-chain.js';
import { startV2rayClient, startV2rayServer } from '../chains/v2ray-chain.js';
import { xhttpEnds, type XhttpChainName } from '../chains/xhttp-chain.js';
import type { LinkOptions } from './delay-link.js';

/** The ways from a local port to the echo target that the link section compares. */
export type LinkedChainName = 'raw-tcp' | 'stunnel' | 'h2tunnel' | 'h2tunnel-cli' | 'h2tunnel-cli-bulk-cap' | 'v2ray' | XhttpChainName;

/** What the link section needs besides the loopback chains' context. */
export interface LinkedContext extends ChainContext {
  readonly stunnel: string | undefined;
}

/** A chain whose client reaches its server through an emulated link. */
export interface LinkedChain {
  readonly name: LinkedChainName;
  /** Where the load generator connects: the client's local port (the link itself for raw TCP). */
  readonly entryPort: number;
  /** Starts another client process through the same link, for a cold first tunnel; resolves once it listens. */
  freshClient(): Promise<{ readonly port: number; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * Starts `name` with the link between its client and its server: server, then the link in front of it
 * (its own process), then a client dialing the link. For raw TCP the link sits in front of the echo
 * target: the ceiling any tunnel can reach.
 *
 * @example
 * ```ts
 * const chain = await startLinkedChain('v2ray', context, { delayMs: 20 });
 * await openTime(chain.entryPort, 50);
 * ```
 */
export async function startLinkedChain(name: LinkedChainName, context: LinkedContext, link: LinkOptions): Promise<LinkedChain> {
  const ends = endsOf(name, context);
  const server = await ends.server();
  const serverPort = server === undefined ? context.echoPort : (server.ready.port as number);
  const relay = await startChild('fixtures/delay-link.ts', [JSON.stringify({ targetPort: serverPort, ...link })]);
  const linkPort = relay.ready.port as number;
  const client = await ends.client(linkPort);
  return {
    name,
    entryPort: client === undefined ? linkPort : (client.ready.port as number),
    freshClient: async () => {
      const fresh = await ends.client(linkPort);
      return fresh === undefined ? { port: linkPort, stop: () => Promise.resolve() } : { port: fresh.ready.port as number, stop: () => fresh.stop() };
    },
    stop: async () => {
      await client?.stop();
      await relay.stop();
      await server?.stop();
    },
  };
}

interface Ends {
  server(): Promise<BenchChild | undefined>;
  client(dialPort: number): Promise<BenchChild | undefined>;
}

function endsOf(name: LinkedChainName, context: LinkedContext): Ends {
  const files = { certFile: context.certFile, keyFile: context.keyFile };
  const none = () => Promise.resolve(undefined);
  switch (name) {
    case 'raw-tcp':
      return { server: none, client: none };
    case 'h2tunnel':
      return {
        server: () => startChild('fixtures/h2tunnel-server.ts', [JSON.stringify({ ...files, forwardPort: context.echoPort })]),
        client: (serverPort) => startChild('fixtures/h2tunnel-client.ts', [JSON.stringify({ caFile: context.certFile, serverPort })]),
      };
    case 'h2tunnel-cli':
      return { server: () => startCliServer(files, context.echoPort), client: (serverPort) => startCliClient(files, serverPort) };
    case 'h2tunnel-cli-bulk-cap': {
      // The CLI with the bulk cap at both ends, beside its defaults in the same run.
      const flags = { extra: ['--bulk-cap'] };
      return { server: () => startCliServer(files, context.echoPort, flags), client: (serverPort) => startCliClient(files, serverPort, flags) };
    }
    case 'v2ray': {
      const binary = required(context.v2ray, 'v2ray');
      return {
        server: () => startV2rayServer(binary, context.dir, files, context.echoPort),
        client: (serverPort) => startV2rayClient(binary, context.dir, serverPort),
      };
    }
    case 'stunnel': {
      const binary = required(context.stunnel, 'stunnel');
      return {
        server: () => startStunnelServer(binary, context.dir, files, context.echoPort),
        client: (serverPort) => startStunnelClient(binary, context.dir, files, serverPort),
      };
    }
    default:
      return xhttpEnds(name, context);
  }
}

function required(binary: string | undefined, name: string): string {
  if (binary === undefined) throw new Error(`${name} is not installed`);
  return binary;
}
