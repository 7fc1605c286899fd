import { writeCertificateFiles, type CertificateFiles } from '../../helpers/cert-files.js';
import { testCertificate } from '../../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../../helpers/echo-target.js';
import { tempDir, type TempDir } from '../../helpers/process.js';
import { portOf, startCli, type CliProcess, type LogLine } from './cli-process.js';

/** The log line each side prints once it accepts connections. */
export const listening = (line: LogLine) => line.msg === 'server listening' || line.msg === 'client listening';

/** A started CLI process and the port it reported listening on. */
export interface StartedCli {
  readonly cli: CliProcess;
  readonly port: number;
}

/** What a CLI suite shares: a scratch dir with the test certificate as files, an echo target, and launchers. */
export interface CliFixture {
  readonly dir: TempDir;
  readonly files: CertificateFiles;
  readonly echo: EchoTarget;
  /** Starts `h2tunnel ARGS` and waits until it listens; it is killed after the test. */
  start(args: string[]): Promise<StartedCli>;
  /** A TLS server for tunnel.test on /tun forwarding to `forward`, logging at debug. */
  tlsServer(forward: number, ...extra: string[]): Promise<StartedCli>;
  /** A client verifying tunnel.test against the test CA, tunnels on /tun. */
  tlsClient(serverPort: number, ...extra: string[]): Promise<StartedCli>;
  /** The same client with its tunnels on `path`. */
  tlsClientOnPath(path: string, serverPort: number, ...extra: string[]): Promise<StartedCli>;
  /** Every process the suite started so far, killed or not (their logs stay readable). */
  started(): readonly CliProcess[];
}

/**
 * Registers mocha hooks for a CLI suite and returns its fixture (fields are set once `before` ran).
 *
 * @example
 * ```ts
 * const fx = useCliFixture('cli-e2e-');
 * it('echoes', async () => { const server = await fx.tlsServer(fx.echo.port); … });
 * ```
 */
export function useCliFixture(prefix: string): CliFixture {
  let running: CliProcess[] = [];
  const all: CliProcess[] = [];
  const fixture = {
    started: () => all,
    start: async (args: string[]): Promise<StartedCli> => {
      const cli = startCli(args);
      running.push(cli);
      all.push(cli);
      return { cli, port: portOf(await cli.waitFor(listening, `${args[0]} listening`)) };
    },
    tlsServer: (forward: number, ...extra: string[]) =>
      fixture.start([
        'server',
        '--listen',
        '127.0.0.1:0',
        '--forward',
        `127.0.0.1:${forward}`,
        '--cert',
        fixture.files.certFile,
        '--key',
        fixture.files.keyFile,
        '--host',
        'tunnel.test',
        '--path',
        '/tun',
        '--log-level',
        'debug',
        ...extra,
      ]),
    tlsClient: (serverPort: number, ...extra: string[]) => fixture.tlsClientOnPath('/tun', serverPort, ...extra),
    tlsClientOnPath: (path: string, serverPort: number, ...extra: string[]) =>
      fixture.start([
        'client',
        '--listen',
        '127.0.0.1:0',
        '--server',
        `127.0.0.1:${serverPort}`,
        '--server-name',
        'tunnel.test',
        '--ca',
        fixture.files.certFile,
        '--host',
        'tunnel.test',
        '--path',
        path,
        ...extra,
      ]),
    // dir, files and echo are filled in by `before`, which mocha runs before any test can read them.
  } as unknown as { -readonly [K in keyof CliFixture]: CliFixture[K] };

  before(async () => {
    fixture.dir = await tempDir(prefix);
    fixture.files = await writeCertificateFiles(fixture.dir.path, await testCertificate());
    fixture.echo = await startEchoTarget();
  });
  afterEach(async () => {
    await Promise.all(running.map((cli) => cli.kill()));
    running = [];
  });
  after(async () => {
    await fixture.echo?.close();
    await fixture.dir?.remove();
  });
  return fixture;
}
