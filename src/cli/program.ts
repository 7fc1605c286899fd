import { Command, Option } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { writeCertificate, type CertFlags } from './commands/cert-command.js';
import { clientConfig, type ClientFlags } from './config/client-config.js';
import { loadConfigFile, runConfigFile, type RunFlags } from './commands/run-config-file.js';
import type { HostPort } from '../settings/address.js';
import { collect, count, days, metricsAddress, nameList, seconds, streamCount, workerCount } from './config/flag-parsers.js';
import { createLogger, LOG_LEVELS, type LogLevel } from './logger.js';
import { runClient, type RunOptions } from './commands/run-client.js';
import { runServer } from './commands/run-server.js';
import { CLIENT_DEFAULTS, SERVER_DEFAULTS, serverConfig, type ServerFlags } from './config/server-config.js';
import { packageVersion } from './version.js';
import { inWorkers } from './workers/worker-pool.js';

/** Flags every long-running command takes. */
interface CommonFlags {
  readonly logLevel: LogLevel;
  readonly statsInterval: number;
  readonly drainTimeout: number;
  readonly metrics?: HostPort;
  /** False with `--no-node-metrics`. */
  readonly nodeMetrics: boolean;
}

/** Where the program writes: stdout for command output, stderr for help-on-error and problems. */
export interface ProgramOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const CLIENT_EXAMPLES = `
Examples:
  # local port 1080 -> tunnels to tunnel.example:443, verified against the system CAs
  h2tunnel client --listen 127.0.0.1:1080 --server tunnel.example:443 --host tunnel.example --path /tun

  # a self-signed server (see "h2tunnel cert"): trust its certificate, check the name it carries
  h2tunnel client --listen 127.0.0.1:1080 --server 203.0.113.7:443 --server-name tunnel.example --ca cert.pem

  # reuse a v2ray outbound's streamSettings JSON; flags override it
  h2tunnel client --listen 127.0.0.1:1080 --server tunnel.example:443 --stream-settings stream.json
`;

const SERVER_EXAMPLES = `
Examples:
  # TLS on 443; tunnels for Host tunnel.example and paths under /tun go to local port 22
  h2tunnel server --listen 0.0.0.0:443 --forward 127.0.0.1:22 --cert cert.pem --key key.pem --host tunnel.example --path /tun

  # cleartext HTTP/2 behind a TLS-terminating proxy (caddy: reverse_proxy h2c://127.0.0.1:8443)
  h2tunnel server --listen 127.0.0.1:8443 --forward 127.0.0.1:22 --h2c

  # on a unix socket, configured from a v2ray inbound's streamSettings JSON
  h2tunnel server --listen unix:/run/h2tunnel.sock --forward 127.0.0.1:22 --stream-settings stream.json
`;

const RUN_EXAMPLES = `
Examples:
  # the same file v2ray runs: dokodemo-door inbounds over the http transport, freedom outbounds
  h2tunnel run -c config.json
  h2tunnel -config config.json -test          # v2ray 4.x spelling: check and exit 0 or 2

  # several files merge as v2ray merges them; jsonv5 by name (*.v5.json) or by --format
  h2tunnel run -c base.json -c tls.json
  h2tunnel run -c server.json --format jsonv5
`;

const CERT_EXAMPLES = `
Examples:
  h2tunnel cert --name tunnel.example
  h2tunnel cert --name tunnel.example,203.0.113.7 --out /etc/h2tunnel --days 90
`;

const ROOT_EXAMPLES = `
Examples:
  h2tunnel cert --name tunnel.example --out ./tls
  h2tunnel server --listen 0.0.0.0:443 --forward 127.0.0.1:22 --cert tls/cert.pem --key tls/key.pem --host tunnel.example
  h2tunnel client --listen 127.0.0.1:2222 --server tunnel.example:443 --ca tls/cert.pem --host tunnel.example
  ssh -p 2222 127.0.0.1

Wire-compatible with the "http" transport of v2ray 4.x, v2fly v5 and Xray: either end may be v2ray.
Logs are JSON lines on stderr. Bad input exits with status 2.
`;

/**
 * The `h2tunnel` command line: `client`, `server`, `run` and `cert`. Parsing errors throw commander's
 * `CommanderError` (after printing one line); configuration errors throw typed {@link InvalidConfig}s.
 *
 * @example
 * ```ts
 * await buildProgram({ out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).parseAsync(process.argv);
 * ```
 */
export function buildProgram(output: ProgramOutput): Command {
  const program = new Command('h2tunnel')
    .description('Byte tunnels over HTTP/2, wire-compatible with the v2ray "http" transport.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: output.out,
      writeErr: output.err,
      outputError: (text, write) => write(`h2tunnel: ${text.replace(/^error: /, '')}`),
    })
    .addHelpText('after', ROOT_EXAMPLES);

  withCommon(
    program
      .command('client')
      .description('accept local TCP connections and carry each through its own tunnel to a server')
      .requiredOption('--listen <host:port>', 'local address to accept TCP connections on')
      .requiredOption('--server <host:port>', 'the tunnel server (port defaults to 443)')
      .option('--server-name <name>', 'TLS server name (SNI) the certificate must carry; default: the --server host')
      .addOption(new Option('--ca <file>', 'trust only this CA certificate (PEM)').conflicts('insecure'))
      .option('--insecure', 'do not verify the server certificate (never on an untrusted network)')
      .option('--host <names>', 'Host names, comma-separated; each tunnel picks one at random', nameList)
      .option('--path <path>', 'request path (default /)')
      .option('--read-idle-timeout <seconds>', 'PING the server after this much silence; 0 disables (default 15)', seconds)
      .option('--health-check-timeout <seconds>', 'drop the session when a PING gets no answer in time (default 15)', seconds)
      .option('--h2c', 'cleartext HTTP/2, for a server behind a TLS-terminating proxy on a trusted network')
      .option('--no-zero-rtt', "wait for the server's 200 before sending the first bytes (one round trip more per tunnel)")
      .option('--bulk-cap', 'while tunnels share a session, hold a bulk upload to 1.5 round trips of what the link carries (default off)')
      .option('--pin <sha256>', 'accept only a server whose certificate chain has this v2fly chain hash (base64); repeatable', collect)
      .addOption(
        new Option(
          '--cert-sha256 <hex>',
          "accept the server whose certificate has this SHA-256 (hex, Xray's pinnedPeerCertSha256), or trust the CA of its chain that has it, in place of --ca; repeatable or comma-separated",
        )
          .argParser(collect)
          .conflicts('insecure'),
      )
      .addOption(
        new Option(
          '--verify-name <names>',
          "check the server certificate against these names instead of --server-name, still the SNI (Xray's verifyPeerCertByName); comma-separated",
        )
          .argParser(nameList)
          .conflicts('insecure'),
      )
      .option('--client-cert <file>', 'client certificate (PEM) for a server that verifies its clients')
      .option('--client-key <file>', 'private key (PEM) of --client-cert')
      .option('--idle-timeout <seconds>', 'reset a tunnel with no byte either way for this long; 0 never', seconds, CLIENT_DEFAULTS.idleTimeout)
      .option('--xmux <json>', "connection reuse limits, Xray's xmux object, e.g. '{\"maxConnections\":4}' (default: none; XHTTP: Xray's)")
      .addHelpText('after', CLIENT_EXAMPLES),
  ).action(async (flags: ClientFlags & CommonFlags) => {
    const config = await clientConfig(flags);
    if (E.isLeft(config)) throw config.left;
    await runClient(config.right, runOptions(flags));
  });

  withCommon(
    program
      .command('server')
      .description('accept tunnels and forward each to a TCP address')
      .requiredOption('--listen <host:port|unix:path>', 'address to accept tunnels on')
      .requiredOption('--forward <host:port>', 'TCP address each tunnel is connected to')
      .option('--cert <file>', 'TLS certificate chain (PEM)')
      .option('--key <file>', 'TLS private key (PEM)')
      .option('--h2c', 'cleartext HTTP/2 (with prior knowledge), behind a TLS-terminating proxy')
      .option('--host <names>', 'accepted Host names, comma-separated; others get 404 (default: any)', nameList)
      .option('--path <path>', 'accepted path prefix; others get 404 (default /)')
      .addOption(
        new Option('--host-match <rule>', 'how the Host is compared with --host: exact (v2ray) or xray (any case, port ignored)')
          .choices(['exact', 'xray'])
          .default('exact'),
      )
      .option(
        '--trust-forwarded-for [proxies]',
        "name a tunnel's client by X-Forwarded-For: any peer's, or only these proxy IPs' (comma-separated); default the socket address",
        nameList,
      )
      .option('--read-idle-timeout <seconds>', 'PING a client after this much silence; 0 disables (default 30)', seconds)
      .option('--health-check-timeout <seconds>', 'drop a client whose PING gets no answer in time (default 15)', seconds)
      .option('--client-ca <file>', 'require client certificates issued by this CA (PEM): mutual TLS')
      .option('--bulk-cap', 'while tunnels share a session, hold a bulk download to 1.5 round trips of what the link carries (default off)')
      .option('--connect-timeout <seconds>', 'reset a tunnel whose --forward connect takes longer', seconds, SERVER_DEFAULTS.connectTimeout)
      .option('--idle-timeout <seconds>', 'reset a tunnel with no byte either way for this long; 0 never', seconds, SERVER_DEFAULTS.idleTimeout)
      .option('--max-sessions-per-address <n>', 'sessions one client address may hold; 0 no cap', count, SERVER_DEFAULTS.maxSessionsPerAddress)
      .option('--max-sessions <n>', 'sessions over all clients; past it a new one is closed at once; 0 no cap', count, SERVER_DEFAULTS.maxSessions)
      .option('--max-tunnels <n>', 'tunnels open at once over all sessions; past it a new one is answered 503; 0 no cap', count, SERVER_DEFAULTS.maxTunnels)
      .option('--max-streams <n>', 'tunnels one session may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS)', streamCount, SERVER_DEFAULTS.maxStreams)
      .option('--handshake-timeout <seconds>', 'drop a client whose TLS handshake takes longer', seconds, SERVER_DEFAULTS.handshakeTimeout)
      .option('--header-timeout <seconds>', 'drop a session that sends no request within this long of its start', seconds, SERVER_DEFAULTS.headerTimeout)
      .option('--workers <n>', 'processes sharing the port, "auto" for one per core; a dead one is replaced (default 1)', workerCount, 1)
      .addHelpText('after', SERVER_EXAMPLES),
  ).action(async (flags: ServerFlags & CommonFlags & { readonly workers: number }) => {
    const config = await serverConfig(flags);
    if (E.isLeft(config)) throw config.left;
    await inWorkers(flags.workers, runOptions(flags), (run) => runServer(config.right, run));
  });

  withRunFlags(
    program
      .command('run')
      .description('run a whole v2ray config file (v4 JSON or jsonv5): each dokodemo-door inbound over the http transport')
      .requiredOption('-c, --config <file>', 'v2ray config file; repeat to merge several, as v2ray does (-config works too)', collect)
      .addOption(new Option('--format <format>', 'config format; default: jsonv5 for *.v5.json, else v4 JSON').choices(['json', 'jsonv5']))
      .option('-t, --test', 'check the config (and its certificate files) and exit: 0 if it can run, 2 if not')
      .option('--workers <n>', 'processes sharing the ports, "auto" for one per core; a dead one is replaced (default 1)', workerCount, 1)
      .addHelpText('after', RUN_EXAMPLES),
  ).action(async (flags: RunFlags & CommonFlags & { readonly workers: number }, command: Command) => {
    const parts = await loadConfigFile(flags);
    if (E.isLeft(parts)) throw parts.left;
    if (flags.test === true) {
      const warnings = [...parts.right.warnings, ...parts.right.parts.flatMap((part) => part.config.warnings.map((w) => `${part.where}: ${w}`))];
      for (const warning of warnings) output.err(`h2tunnel: warning: ${parts.right.label}: ${warning}\n`);
      output.out(`Configuration OK: ${parts.right.parts.map((part) => `${part.where}: ${part.summary}`).join('; ')}\n`);
      return;
    }
    const fromFile = command.getOptionValueSource('logLevel') === 'default' ? parts.right.logLevel : undefined;
    await inWorkers(flags.workers, runOptions({ ...flags, logLevel: fromFile ?? flags.logLevel }), (run) => runConfigFile(parts.right, run));
  });

  program
    .command('cert')
    .description('write a self-signed certificate and key (cert.pem, key.pem) for a quick start')
    .requiredOption('--name <names>', 'DNS names or IPs the certificate is for, comma-separated', nameList)
    .option('--out <dir>', 'directory to write into', '.')
    .option('--days <n>', 'validity in days', days, 365)
    .addHelpText('after', CERT_EXAMPLES)
    .action(async (flags: CertFlags) => {
      const result = await writeCertificate(flags);
      output.out(`${result.instructions}\n`);
    });

  return program;
}

function withCommon(command: Command): Command {
  return withRunFlags(command.option('--stream-settings <file>', 'v2ray streamSettings JSON (network http); flags override it'));
}

function withRunFlags(command: Command): Command {
  return command
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .option('--stats-interval <seconds>', 'log open tunnels, sessions and bytes this often; 0 never', seconds, 0)
    .option('--drain-timeout <seconds>', 'on SIGINT/SIGTERM, how long open tunnels may finish', seconds, 10)
    .option('--metrics <host:port>', 'serve Prometheus metrics at /metrics and a health check at /healthz here (off by default)', metricsAddress)
    .option('--no-node-metrics', "with --metrics, leave out Node's process metrics (GC, heap, event loop), which cost CPU on every GC");
}

function runOptions(flags: CommonFlags): RunOptions {
  return {
    log: createLogger(flags.logLevel),
    statsIntervalS: flags.statsInterval,
    drainTimeoutS: flags.drainTimeout,
    ...(flags.metrics === undefined ? {} : { metrics: { address: flags.metrics, nodeMetrics: flags.nodeMetrics } }),
  };
}
