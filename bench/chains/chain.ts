import { startChild, type BenchChild } from '../child.js';
import { startBareHttp2Chain } from './bare-http2-chain.js';
import { startCliChain } from './cli-chain.js';
import { startV2rayChain } from './v2ray-chain.js';
import { startXhttpChain, type XhttpChainName } from './xhttp-chain.js';

/** One way from a local TCP port to the echo target. */
export interface Chain {
  readonly name: ChainName;
  /** Where the load generator connects. */
  readonly entryPort: number;
  /** The tunnel server's port, whose established TCP connections are counted; none for raw TCP. */
  readonly serverPort: number | undefined;
  /** Processes whose RSS is the chain's footprint (client side, server side). */
  readonly client: BenchChild | undefined;
  readonly server: BenchChild | undefined;
  stop(): Promise<void>;
}

export type ChainName = 'h2tunnel' | 'h2tunnel-cli' | 'h2tunnel-cli-metrics' | 'v2ray' | 'bare-http2' | 'raw-tcp' | XhttpChainName;

/** What every chain needs: the certificate files, a scratch dir, the echo target. */
export interface ChainContext {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly echoPort: number;
  readonly v2ray: string | undefined;
  /** Xray, for the XHTTP comparison. */
  readonly xray?: string | undefined;
}

/**
 * Starts one chain. Every tunnel chain runs as two processes (client, server); raw TCP is the echo
 * target itself.
 *
 * @example
 * ```ts
 * const chain = await startChain('h2tunnel', context);
 * await chain.stop();
 * ```
 */
export async function startChain(name: ChainName, context: ChainContext): Promise<Chain> {
  const files = { certFile: context.certFile, keyFile: context.keyFile };
  switch (name) {
    case 'h2tunnel': {
      const server = await startChild('fixtures/h2tunnel-server.ts', [JSON.stringify({ ...files, forwardPort: context.echoPort })]);
      const serverPort = server.ready.port as number;
      const client = await startChild('fixtures/h2tunnel-client.ts', [JSON.stringify({ caFile: context.certFile, serverPort })]);
      return chain(name, client.ready.port as number, serverPort, client, server);
    }
    case 'h2tunnel-cli':
    case 'h2tunnel-cli-metrics': {
      const { client, server } = await startCliChain(files, context.echoPort, { metrics: name === 'h2tunnel-cli-metrics' });
      return chain(name, client.ready.port as number, server.ready.port as number, client, server);
    }
    case 'v2ray': {
      if (context.v2ray === undefined) throw new Error('v2ray is not installed');
      const { client, server } = await startV2rayChain(context.v2ray, context.dir, files, context.echoPort);
      return chain(name, client.ready.port as number, server.ready.port as number, client, server);
    }
    case 'bare-http2': {
      const { client, server } = await startBareHttp2Chain(files, context.echoPort);
      return chain(name, client.ready.port as number, server.ready.port as number, client, server);
    }
    case 'raw-tcp':
      return chain(name, context.echoPort, undefined, undefined, undefined);
    default: {
      const { client, server } = await startXhttpChain(name, context);
      return chain(name, client.ready.port as number, server.ready.port as number, client, server);
    }
  }
}

function chain(name: ChainName, entryPort: number, serverPort: number | undefined, client: BenchChild | undefined, server: BenchChild | undefined): Chain {
  return {
    name,
    entryPort,
    serverPort,
    client,
    server,
    stop: async () => {
      await client?.stop();
      await server?.stop();
    },
  };
}
