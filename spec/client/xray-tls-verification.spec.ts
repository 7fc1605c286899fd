import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { openTunnel } from '../../src/client/open-tunnel.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { isTransportError } from '../../src/errors/error-guards.js';
import type { TransportError } from '../../src/errors/transport-error.js';
import type { DialSettings, TlsClientSettings } from '../../src/settings/settings.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { caChain, type CaChain } from '../helpers/ca-chain.js';
import { testCertificate } from '../helpers/certs.js';
import { startServer, type InProcessServer } from '../helpers/in-process.js';
import { echoRoundTrip } from '../interop/round-trip.js';

/** Xray's pin: hex SHA-256 of a certificate's DER. */
const certSha256 = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

// Xray's pinnedPeerCertSha256 and verifyPeerCertByName (transport/internet/tls/config.go at v26.7.28): a
// pin on the leaf identifies the server alone; a pin on a CA of the chain makes it the only CA, names
// still checked; verifyPeerCertByName checks these names in place of serverName, which stays the SNI.
describe('dial: Xray-style TLS verification (pinnedPeerCertSha256, verifyPeerCertByName)', function () {
  this.timeout(30_000);
  let selfSigned: InProcessServer;
  let chained: InProcessServer;
  let chain: CaChain;
  let manager: SessionManager;

  before(async () => {
    chain = await caChain(['tunnel.test', '127.0.0.1']);
    selfSigned = await startServer({ host: ['tunnel.test'], path: '/tun' });
    chained = await startServer({ host: ['tunnel.test'], path: '/tun', tls: chain.server });
  });
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(async () => {
    await selfSigned?.close();
    await chained?.close();
  });

  const settings = (tls: TlsClientSettings, xhttp?: DialSettings['xhttp']): DialSettings => ({
    host: ['tunnel.test'],
    path: '/tun',
    tls,
    ...(xhttp === undefined ? {} : { xhttp, path: '/tun/' }),
  });
  const carries = async (server: InProcessServer, tls: TlsClientSettings, xhttp?: DialSettings['xhttp']) => {
    const connection = await openTunnel(server.address, settings(tls, xhttp), { manager });
    const trip = await echoRoundTrip(connection.toDuplex(), 64 * 1024, 10_000);
    assert.equal(trip.receivedSha256, trip.sentSha256);
  };
  const failure = async (server: InProcessServer, tls: TlsClientSettings, xhttp?: DialSettings['xhttp']): Promise<TransportError> => {
    const error: unknown = await openTunnel(server.address, settings(tls, xhttp), { manager }).then(
      (connection) => {
        connection.close();
        assert.fail('the dial succeeded');
      },
      (e: unknown) => e,
    );
    assert.ok(isTransportError(error), String(error));
    return error;
  };

  describe('pinnedPeerCertSha256 on the leaf', () => {
    it('connects to a self-signed server known by its pin alone: no CA, any serverName', async () => {
      const pin = certSha256((await testCertificate()).cert);
      await carries(selfSigned, { serverName: 'tunnel.test', pinnedPeerCertSha256: ['0'.repeat(64), pin] });
      await carries(selfSigned, { serverName: 'elsewhere.test', pinnedPeerCertSha256: [pin] });
    });

    it("takes OpenSSL's fingerprint form: colons, upper case", async () => {
      const fingerprint = new X509Certificate((await testCertificate()).cert).fingerprint256;
      assert.match(fingerprint, /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
      await carries(selfSigned, { serverName: 'tunnel.test', pinnedPeerCertSha256: [fingerprint] });
    });

    it("fails with TlsVerifyFailed naming the key and the peer's hash when no pin matches, even with the CA trusted", async () => {
      const other = certSha256((await selfSignedCertificate(['other.test'])).cert);
      const before = selfSigned.accepted.length;
      const error = await failure(selfSigned, { serverName: 'tunnel.test', ca: selfSigned.cert, pinnedPeerCertSha256: [other] });
      assert.equal(error._tag, 'TlsVerifyFailed');
      assert.match(error.message, /pinnedPeerCertSha256/);
      assert.match(error.message, new RegExp(certSha256((await testCertificate()).cert)));
      assert.equal(selfSigned.accepted.length, before);
    });

    it('checks the pin over XHTTP on HTTP/1.1 too', async () => {
      const pin = certSha256((await testCertificate()).cert);
      const xhttpServer = await startServer({ host: ['tunnel.test'], path: '/tun/', xhttp: {} });
      try {
        await carries(xhttpServer, { serverName: 'tunnel.test', pinnedPeerCertSha256: [pin] }, { mode: 'packet-up', httpVersion: '1.1' });
        const error = await failure(
          xhttpServer,
          { serverName: 'tunnel.test', pinnedPeerCertSha256: ['ab'.repeat(32)] },
          { mode: 'packet-up', httpVersion: '1.1' },
        );
        assert.equal(error._tag, 'TlsVerifyFailed');
        assert.match(error.message, /pinnedPeerCertSha256/);
      } finally {
        await xhttpServer.close();
      }
    });
  });

  describe('pinnedPeerCertSha256 on a CA of the chain', () => {
    it('trusts that CA alone, with the name still checked', async () => {
      const pin = certSha256(chain.ca);
      await carries(chained, { serverName: 'tunnel.test', pinnedPeerCertSha256: [pin] });
      const error = await failure(chained, { serverName: 'elsewhere.test', pinnedPeerCertSha256: [pin] });
      assert.equal(error._tag, 'TlsVerifyFailed');
      assert.match(error.message, /elsewhere\.test/);
    });

    it('a pin on the leaf of the same chain needs no CA and no name', async () => {
      await carries(chained, { serverName: 'elsewhere.test', pinnedPeerCertSha256: [certSha256(chain.leaf)] });
    });
  });

  describe('verifyPeerCertByName', () => {
    it('checks these names in place of serverName, against the trusted CAs', async () => {
      await carries(chained, { serverName: 'front.test', ca: chain.ca, verifyPeerCertByName: ['other.test', 'tunnel.test'] });
      const error = await failure(chained, { serverName: 'tunnel.test', ca: chain.ca, verifyPeerCertByName: ['other.test'] });
      assert.equal(error._tag, 'TlsVerifyFailed');
      assert.match(error.message, /verifyPeerCertByName/);
      assert.match(error.message, /other\.test/);
    });

    it('still needs a trusted chain', async () => {
      const error = await failure(chained, { serverName: 'tunnel.test', verifyPeerCertByName: ['tunnel.test'] });
      assert.equal(error._tag, 'TlsVerifyFailed');
    });

    it('with a pinned CA, checks its names against that CA', async () => {
      const pin = certSha256(chain.ca);
      await carries(chained, { serverName: 'front.test', pinnedPeerCertSha256: [pin], verifyPeerCertByName: ['tunnel.test'] });
      const error = await failure(chained, { serverName: 'tunnel.test', pinnedPeerCertSha256: [pin], verifyPeerCertByName: ['other.test'] });
      assert.equal(error._tag, 'TlsVerifyFailed');
    });
  });

  describe('bad settings are InvalidConfig naming the key', () => {
    const cases: readonly [string, TlsClientSettings, string][] = [
      ['a pin that is not hex', { pinnedPeerCertSha256: ['zz'.repeat(32)] }, 'tls.pinnedPeerCertSha256[0]'],
      ['a pin of the wrong length', { pinnedPeerCertSha256: ['ab'.repeat(16)] }, 'tls.pinnedPeerCertSha256[0]'],
      ['pins that are not a list', { pinnedPeerCertSha256: 'ab' as unknown as string[] }, 'tls.pinnedPeerCertSha256'],
      ['a name that is not one', { verifyPeerCertByName: ['not a name'] }, 'tls.verifyPeerCertByName[0]'],
      ['names with allowInsecure', { allowInsecure: true, verifyPeerCertByName: ['tunnel.test'] }, 'tls.verifyPeerCertByName'],
      ['pins with allowInsecure', { allowInsecure: true, pinnedPeerCertSha256: ['ab'.repeat(32)] }, 'tls.pinnedPeerCertSha256'],
    ];
    for (const [what, tls, key] of cases) {
      it(what, async () => {
        const error = await failure(selfSigned, tls);
        assert.equal(error._tag, 'InvalidConfig');
        assert.equal((error as { key?: string }).key, key, error.message);
      });
    }
  });
});
