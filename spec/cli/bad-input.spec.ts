import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { writeCertificateFiles, type CertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { tempDir } from '../helpers/process.js';
import { runCli, type CliResult } from './support/cli-process.js';

// Every case: status 2, exactly one line on stderr naming the problem, no stack trace.
describe('h2tunnel: bad input exits 2 with one line', function () {
  this.timeout(60_000);
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let files: CertificateFiles;
  let otherKey: string;
  let busy: Server;
  let busyPort: number;

  before(async () => {
    dir = await tempDir('cli-bad-');
    files = await writeCertificateFiles(dir.path, await testCertificate());
    otherKey = join(dir.path, 'other-key.pem');
    await writeFile(otherKey, (await selfSignedCertificate(['other.test'])).key);
    await writeFile(join(dir.path, 'garbage.pem'), 'not a certificate\n');
    await writeFile(join(dir.path, 'wrong-type.json'), JSON.stringify({ network: 'http', security: 'tls', httpSettings: { host: 5 } }));
    await writeFile(join(dir.path, 'unknown-key.json'), JSON.stringify({ network: 'http', security: 'tls', httpSettings: { hosts: ['a.test'] } }));
    await writeFile(join(dir.path, 'broken.json'), '{ "network": "http", ');
    const toString = { listen: '127.0.0.1', port: 2222, protocol: 'dokodemo-door', settings: { address: '127.0.0.1', port: 22, network: [{ toString: 1 }] } };
    await writeFile(join(dir.path, 'to-string.json'), JSON.stringify({ inbounds: [{ ...toString, streamSettings: { network: 'http' } }] }));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise<void>((resolve) => busy?.close(() => resolve()));
    await dir?.remove();
  });

  const server = (...extra: string[]) => ['server', '--listen', '127.0.0.1:0', '--forward', '127.0.0.1:9', ...extra];
  const client = (...extra: string[]) => ['client', '--listen', '127.0.0.1:0', '--server', '127.0.0.1:443', ...extra];

  const cases: [string, () => string[], RegExp][] = [
    ['a missing --server', () => ['client', '--listen', '127.0.0.1:0'], /required option '--server <host:port>' not specified/],
    ['a missing --forward', () => ['server', '--listen', '127.0.0.1:0', '--h2c'], /required option '--forward <host:port>' not specified/],
    ['a missing --name for cert', () => ['cert'], /required option '--name <names>' not specified/],
    [
      'a bad port',
      () => ['client', '--listen', '127.0.0.1:99999', '--server', '127.0.0.1:443'],
      /--listen: bad port "99999" in "127.0.0.1:99999"; want HOST:PORT/,
    ],
    ['a host:port without a port', () => ['server', '--listen', '127.0.0.1:0', '--forward', 'localhost', '--h2c'], /--forward: missing port in "localhost"/],
    ['a server with neither certificate nor --h2c', () => server(), /--cert: a server needs --cert FILE --key FILE/],
    ['--cert without --key', () => server('--cert', files.certFile), /--cert: needs --cert FILE and --key FILE together/],
    [
      'an unreadable certificate',
      () => server('--cert', join(dir.path, 'missing.pem'), '--key', files.keyFile),
      /--cert: cannot read .*missing\.pem: no such file/,
    ],
    ['a certificate that is not PEM', () => server('--cert', join(dir.path, 'garbage.pem'), '--key', files.keyFile), /--cert: is not a PEM certificate/],
    ['a key that does not match the certificate', () => server('--cert', files.certFile, '--key', otherKey), /--key: does not match the certificate in --cert/],
    ['--ca together with --insecure', () => client('--ca', files.certFile, '--insecure'), /--ca <file>' cannot be used with option '--insecure'/],
    ['an unreadable --ca', () => client('--ca', join(dir.path, 'missing.pem')), /--ca: cannot read .*missing\.pem: no such file/],
    [
      '--client-cert without --client-key',
      () => client('--client-cert', files.certFile),
      /--client-cert: needs --client-cert FILE and --client-key FILE together/,
    ],
    [
      'a client key that does not match its certificate',
      () => client('--client-cert', files.certFile, '--client-key', otherKey),
      /--client-key: does not match the certificate in --client-cert/,
    ],
    ['a --pin that is not a SHA-256', () => client('--pin', 'abc'), /--pin: must be the base64 of a SHA-256 digest/],
    ['a --cert-sha256 that is not a hex SHA-256', () => client('--cert-sha256', 'abc'), /--cert-sha256: must be the hex SHA-256 of a certificate/],
    ['a --verify-name that is not a name', () => client('--verify-name', 'a/b'), /--verify-name: "a\/b" is not a host name/],
    [
      '--cert-sha256 with --insecure',
      () => client('--insecure', '--cert-sha256', 'ab'.repeat(32)),
      /--cert-sha256 <hex>' cannot be used with option '--insecure'/,
    ],
    ['an --xmux that is not JSON', () => client('--xmux', 'maxConnections=2'), /--xmux: must be a JSON object such as/],
    [
      'an --xmux with both maxConnections and maxConcurrency',
      () => client('--xmux', '{"maxConnections": 2, "maxConcurrency": 4}'),
      /--xmux\.maxConnections: cannot be specified together with maxConcurrency/,
    ],
    ['an --xmux with an unknown key', () => client('--xmux', '{"maxConnection": 2}'), /--xmux\.maxConnection: is not a known xmux key/],
    [
      'a JSON key with the wrong type',
      () => client('--stream-settings', join(dir.path, 'wrong-type.json')),
      /wrong-type\.json: streamSettings\.httpSettings\.host: must be a list of strings, got number 5/,
    ],
    [
      'an unknown JSON key',
      () => client('--stream-settings', join(dir.path, 'unknown-key.json')),
      /unknown-key\.json: streamSettings\.httpSettings\.hosts: is not a known key here/,
    ],
    ['a file that is not JSON', () => server('--stream-settings', join(dir.path, 'broken.json')), /--stream-settings: .*broken\.json is not valid JSON/],
    [
      'a JSON value that cannot be converted to text',
      () => ['run', '-c', join(dir.path, 'to-string.json'), '-test'],
      /to-string\.json: inbounds\[0\]\.settings\.network\[0\]: must be a string, got an object/,
    ],
    [
      'a --client-ca that is not PEM',
      () => server('--cert', files.certFile, '--key', files.keyFile, '--client-ca', join(dir.path, 'garbage.pem')),
      /--client-ca: is not a PEM certificate/,
    ],
    [
      'a --client-ca that is empty',
      () => server('--cert', files.certFile, '--key', files.keyFile, '--client-ca', '/dev/null'),
      /--client-ca: is not a PEM certificate/,
    ],
    ['a --ca that is not PEM', () => client('--ca', join(dir.path, 'garbage.pem')), /--ca: is not a PEM certificate/],
    ['a non-numeric --drain-timeout', () => client('--drain-timeout', 'soon'), /--drain-timeout <seconds>' argument 'soon' is invalid/],
    ['--max-streams 0', () => server('--h2c', '--max-streams', '0'), /--max-streams: must be above 0: a session with no stream carries no tunnel/],
    ['--connect-timeout 0', () => server('--h2c', '--connect-timeout', '0'), /--connect-timeout: must be above 0/],
    [
      'a trusted proxy that is no IP',
      () => server('--h2c', '--trust-forwarded-for', '10.0.0.1,proxy.lan'),
      /--trust-forwarded-for: "proxy\.lan" is not an IP address/,
    ],
    [
      'a fractional --max-sessions-per-address',
      () => server('--h2c', '--max-sessions-per-address', '1.5'),
      /--max-sessions-per-address <n>' argument '1\.5' is invalid/,
    ],
    ['a negative --idle-timeout', () => client('--idle-timeout', '-1'), /--idle-timeout <seconds>' argument '-1' is invalid/],
    ['an unknown --log-level', () => client('--log-level', 'loud'), /--log-level <level>' argument 'loud' is invalid/],
    [
      'a server port already in use',
      () => ['server', '--listen', `127.0.0.1:${busyPort}`, '--forward', '127.0.0.1:9', '--h2c'],
      /cannot listen on 127\.0\.0\.1:\d+: address already in use/,
    ],
    [
      'a client port already in use',
      () => ['client', '--listen', `127.0.0.1:${busyPort}`, '--server', '127.0.0.1:443'],
      /cannot listen on 127\.0\.0\.1:\d+: address already in use/,
    ],
  ];

  for (const [name, args, message] of cases) {
    it(`rejects ${name}`, async () => assertOneLine(await runCli(args()), message));
  }

  // Numbers past what Node takes: a timer past 2^31-1 ms fires after 1 ms, an HTTP/2 setting past 2^32-1
  // throws at the first session. Every flag and key, run side by side (each run is a process start).
  const past = (flagName: string, value: string, command: (...extra: string[]) => string[]): [string, () => string[], RegExp] => [
    `${command.name} ${flagName} ${value}`,
    () => command(flagName, value),
    new RegExp(`'${flagName} <[a-z]+>' argument '${value.replace(/[.+]/g, '\\$&')}' is invalid\\. want .*at most`),
  ];
  const run = (...extra: string[]) => ['run', '-c', join(dir.path, 'missing.json'), ...extra];
  const h2cServer = (...extra: string[]) => server('--h2c', ...extra);
  const cert = (...extra: string[]) => ['cert', '--name', 'a.test', '--out', join(dir.path, 'never'), ...extra];
  const TIMER_PAST = '2147483.648'; // 2^31 ms
  const limits: [string, () => string[], RegExp][] = [
    ...['--read-idle-timeout', '--health-check-timeout', '--idle-timeout', '--stats-interval', '--drain-timeout'].map((f) => past(f, '3000000', client)),
    ...[
      '--read-idle-timeout',
      '--health-check-timeout',
      '--connect-timeout',
      '--idle-timeout',
      '--handshake-timeout',
      '--header-timeout',
      '--drain-timeout',
    ].map((f) => past(f, TIMER_PAST, h2cServer)),
    past('--stats-interval', '3000000', h2cServer),
    past('--max-streams', '4294967296', h2cServer),
    past('--max-streams', '1e15', h2cServer),
    past('--max-sessions-per-address', '1e300', h2cServer),
    past('--workers', '1e15', h2cServer),
    past('--stats-interval', '3000000', run),
    past('--drain-timeout', '3000000', run),
    past('--workers', '4096', run),
    past('--days', '1000000000', cert),
    [
      'httpSettings.read_idle_timeout 3000000 in --stream-settings',
      () => client('--stream-settings', join(dir.path, 'idle-past.json')),
      /idle-past\.json: streamSettings\.httpSettings\.read_idle_timeout: must be a non-negative number of seconds, at most 2147483\.647 .*got number 3000000/,
    ],
    [
      'policy.levels.0.handshake 1e7 in run -c',
      () => ['run', '-c', join(dir.path, 'policy-past.json'), '-test'],
      /policy-past\.json: policy\.levels\.0\.handshake: must be .*at most 2147483\.647 .*got number 10000000/,
    ],
    [
      'inbounds[0].settings.userLevel 2^32 in run -c',
      () => ['run', '-c', join(dir.path, 'level-past.json'), '-test'],
      /level-past\.json: inbounds\[0\]\.settings\.userLevel: must be .*at most 4294967295.*got number 4294967296/,
    ],
  ];
  const results = new Map<string, Promise<CliResult>>();
  before(async function () {
    this.timeout(120_000);
    const inbound = {
      listen: '127.0.0.1',
      port: 2222,
      protocol: 'dokodemo-door',
      settings: { address: '127.0.0.1', port: 22 },
      streamSettings: { network: 'http' },
    };
    const config = (extra: object) => JSON.stringify({ inbounds: [inbound], outbounds: [{ protocol: 'freedom' }], ...extra });
    await writeFile(join(dir.path, 'idle-past.json'), JSON.stringify({ network: 'http', security: 'tls', httpSettings: { read_idle_timeout: 3_000_000 } }));
    await writeFile(join(dir.path, 'policy-past.json'), config({ policy: { levels: { 0: { handshake: 1e7 } } } }));
    await writeFile(join(dir.path, 'level-past.json'), JSON.stringify({ inbounds: [{ ...inbound, settings: { ...inbound.settings, userLevel: 2 ** 32 } }] }));
    // Four at a time: each is a Node start, the machine has two cores.
    const queue = [...limits];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const result = runCli(next[1](), 20_000);
        results.set(next[0], result);
        await result.catch(() => undefined);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  });
  for (const [name, , message] of limits) {
    it(`rejects ${name} (past Node's limit)`, async () => assertOneLine(await (results.get(name) as Promise<CliResult>), message));
  }
});

/** Status 2, exactly one `h2tunnel:` line matching `message`, no stack trace. */
function assertOneLine(result: CliResult, message: RegExp): void {
  const problem = result.stderr.split('\n').filter((line) => line.startsWith('h2tunnel: '));
  assert.equal(result.code, 2, result.stderr);
  assert.equal(problem.length, 1, result.stderr);
  assert.match(problem[0] ?? '', message);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
}
