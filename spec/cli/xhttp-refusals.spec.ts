import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '../helpers/process.js';
import { runCli } from './support/cli-process.js';

// What h2tunnel cannot honour of Xray's XHTTP JSON stops it before anything listens: exit 2, one line
// naming the file and the key, from a whole file under `run -c` and from `--stream-settings` alike.
describe('XHTTP settings h2tunnel cannot honour: exit 2 naming the key', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let written = 0;

  before(async () => {
    dir = await tempDir('cli-xhttp-refusals-');
  });
  after(() => dir?.remove());

  const write = async (json: object) => {
    const file = join(dir.path, `bad-${++written}.json`);
    await writeFile(file, JSON.stringify(json));
    return file;
  };
  /** A whole Xray client file whose freedom outbound has these streamSettings. */
  const xrayClientFile = (streamSettings: object) => ({
    inbounds: [{ listen: '127.0.0.1', port: 1, protocol: 'tunnel', settings: { address: '127.0.0.1', port: 2, network: 'tcp' } }],
    outbounds: [{ protocol: 'freedom', streamSettings }],
  });
  const tls = (tlsSettings: object) => ({ security: 'tls', tlsSettings: { serverName: 'tunnel.test', ...tlsSettings } });
  const xhttp = (xhttpSettings: object, more: object = tls({})) => ({ network: 'xhttp', xhttpSettings: { path: '/tun/', ...xhttpSettings }, ...more });

  const refusals: readonly (readonly [string, object, string, RegExp])[] = [
    ['REALITY', xhttp({}, { security: 'reality', realitySettings: { serverName: 'example.com' } }), 'streamSettings.security', /REALITY/],
    ['a uTLS fingerprint', xhttp({}, tls({ fingerprint: 'chrome' })), 'streamSettings.tlsSettings.fingerprint', /Node's TLS stack/],
    ['h3', xhttp({}, tls({ alpn: ['h3'] })), 'streamSettings.tlsSettings.alpn', /Node has no stable QUIC/],
    [
      'downloadSettings',
      xhttp({ downloadSettings: { address: 'cdn.test', port: 443, network: 'xhttp' } }),
      'streamSettings.xhttpSettings.downloadSettings',
      /same server/,
    ],
    ['xPaddingObfsMode', xhttp({ xPaddingObfsMode: true }), 'streamSettings.xhttpSettings.xPaddingObfsMode', /obfuscation option/],
    ['xPaddingPlacement', xhttp({ xPaddingPlacement: 'header' }), 'streamSettings.xhttpSettings.xPaddingPlacement', /obfuscation option/],
    ['xPaddingMethod', xhttp({ xPaddingMethod: 'tokenish' }), 'streamSettings.xhttpSettings.xPaddingMethod', /obfuscation option/],
    ['sessionIDPlacement', xhttp({ sessionIDPlacement: 'cookie' }), 'streamSettings.xhttpSettings.sessionIDPlacement', /obfuscation option/],
    ['seqPlacement', xhttp({ seqPlacement: 'header' }), 'streamSettings.xhttpSettings.seqPlacement', /obfuscation option/],
    ['sessionIDTable', xhttp({ sessionIDTable: 'base36', sessionIDLength: '8-12' }), 'streamSettings.xhttpSettings.sessionIDTable', /obfuscation option/],
    ['uplinkDataPlacement', xhttp({ mode: 'packet-up', uplinkDataPlacement: 'cookie' }), 'streamSettings.xhttpSettings.uplinkDataPlacement', /obfuscation/],
    ['uplinkHTTPMethod GET', xhttp({ mode: 'packet-up', uplinkHTTPMethod: 'GET' }), 'streamSettings.xhttpSettings.uplinkHTTPMethod', /headers or cookies/],
  ];
  for (const [what, streamSettings, key, message] of refusals) {
    it(`refuses ${what} under run -c and --stream-settings`, async () => {
      const whole = await write(xrayClientFile(streamSettings));
      const stream = await write(streamSettings);
      const [fromFile, fromFlag] = await Promise.all([
        runCli(['run', '-c', whole]),
        runCli(['client', '--listen', '127.0.0.1:0', '--server', '127.0.0.1:9', '--stream-settings', stream]),
      ]);
      // run -c names a file by its base name, --stream-settings by the path it was given.
      for (const [result, where] of [
        [fromFile, `${whole.slice(dir.path.length + 1)}: outbounds[0].${key}`],
        [fromFlag, `${stream}: ${key}`],
      ] as const) {
        assert.equal(result.code, 2, result.stderr);
        assert.ok(result.stderr.startsWith(`h2tunnel: ${where}: `), result.stderr);
        assert.match(result.stderr, message);
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
        assert.equal(result.stdout, '');
      }
    });
  }
});
