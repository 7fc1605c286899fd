import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import { isTransportError } from '../../../src/errors/error-guards.js';
import type { TlsClientSettings } from '../../../src/settings/settings.js';
import { requireBinary } from '../../helpers/binaries.js';
import { caChain, type CaChain } from '../../helpers/ca-chain.js';
import { writeCertificateFiles } from '../../helpers/cert-files.js';
import { startEchoTarget, type EchoTarget } from '../../helpers/echo-target.js';
import type { GoPeerInstance } from '../../helpers/go-peer.js';
import { printOutputOnFailure, tempDir, type TempDir } from '../../helpers/process.js';
import { startXrayServer } from '../../helpers/xray.js';
import { echoRoundTrip } from '../round-trip.js';

const HOST = 'tunnel.test';
const PATH = '/tun/';
const certSha256 = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

// Our client's pinnedPeerCertSha256 and verifyPeerCertByName against the real Xray server, serving a
// certificate issued by a test CA and the CA after it, as servers send their chain.
describe("interop: our client's Xray-style TLS verification -> Xray server", function () {
  this.timeout(60_000);
  let dir: TempDir;
  let chain: CaChain;
  let echo: EchoTarget;
  let xray: GoPeerInstance;
  const manager = new SessionManager();

  before(async function () {
    requireBinary(this, 'xray');
    dir = await tempDir('xray-tls-verification-');
    chain = await caChain([HOST, '127.0.0.1']);
    echo = await startEchoTarget();
    xray = await startXrayServer({ forwardPort: echo.port, xhttp: { host: HOST, path: PATH }, tls: await writeCertificateFiles(dir.path, chain.server) });
  });
  afterEach(function () {
    printOutputOnFailure(this, { 'xray server': xray });
  });
  after(async () => {
    await manager.close();
    await xray?.stop();
    await echo?.close();
    await dir?.remove();
  });

  const open = (tls: TlsClientSettings) => openTunnel(`127.0.0.1:${xray.port}`, { host: [HOST], path: PATH, tls, xhttp: { mode: 'stream-up' } }, { manager });
  const carries = async (tls: TlsClientSettings) => {
    const trip = await echoRoundTrip((await open(tls)).toDuplex(), 256 * 1024, 20_000);
    assert.equal(trip.receivedSha256, trip.sentSha256);
  };
  const refused = async (tls: TlsClientSettings, pattern: RegExp) => {
    const error: unknown = await open(tls).then(
      (connection) => {
        connection.close();
        assert.fail('the dial succeeded');
      },
      (e: unknown) => e,
    );
    assert.ok(isTransportError(error), String(error));
    assert.equal(error._tag, 'TlsVerifyFailed', error.message);
    assert.match(error.message, pattern);
  };

  it('a pin on the leaf carries bytes with no CA; a wrong pin fails typed, naming the key and the hash', async () => {
    await carries({ serverName: HOST, pinnedPeerCertSha256: [certSha256(chain.leaf)] });
    await refused({ serverName: HOST, pinnedPeerCertSha256: ['ab'.repeat(32)] }, new RegExp(`${certSha256(chain.leaf)}.*pinnedPeerCertSha256`));
  });

  it('a pin on the CA the server sends trusts it, with the name checked', async () => {
    await carries({ serverName: HOST, pinnedPeerCertSha256: [certSha256(chain.ca)] });
    await refused({ serverName: 'elsewhere.test', pinnedPeerCertSha256: [certSha256(chain.ca)] }, /elsewhere\.test/);
  });

  it('verifyPeerCertByName checks its names, with another name as SNI', async () => {
    await carries({ serverName: 'front.test', ca: chain.ca, verifyPeerCertByName: [HOST] });
    await refused({ serverName: HOST, ca: chain.ca, verifyPeerCertByName: ['other.test'] }, /verifyPeerCertByName/);
  });
});
