import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { TransportError } from '../../src/errors/transport-error.js';
import { isTransportError } from '../../src/errors/error-guards.js';
import { chainSha256, publicKeySha256 } from '../../src/tls/certificate-pins.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { tunnelRoundTrip } from '../interop/round-trip.js';

// v2fly's pinnedPeerCertificateChainSha256 and Xray's public-key pins, against a real TLS server.
describe('dial: certificate pins', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;
  let right: string;
  let wrong: string;

  before(async () => {
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
    right = chainSha256([new X509Certificate(peer.cert as string).raw]);
    wrong = chainSha256([new X509Certificate((await selfSignedCertificate(['other.test'])).cert).raw]);
  });
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => peer.close());

  const failure = async (tls: object): Promise<TransportError> => {
    const error: unknown = await firstValueFrom(dial(peer.address, dialSettingsFor(peer, { tls }), { manager })).then(
      () => assert.fail('dial succeeded'),
      (e: unknown) => e,
    );
    assert.ok(isTransportError(error), String(error));
    return error;
  };

  it('carries bytes when the chain pin matches, on top of the CA check', async () => {
    const trip = await tunnelRoundTrip(
      dial(peer.address, dialSettingsFor(peer, { tls: { serverName: 'tunnel.test', ca: peer.cert, pinnedPeerCertificateChainSha256: [wrong, right] } }), {
        manager,
      }),
      64 * 1024,
    );
    assert.equal(trip.receivedSha256, trip.sentSha256);
  });

  it('fails with TlsVerifyFailed naming the pin when none matches, even with a trusted CA, and no tunnel reaches the server', async () => {
    const before = peer.accepted.length;
    const error = await failure({ serverName: 'tunnel.test', ca: peer.cert, pinnedPeerCertificateChainSha256: [wrong] });
    assert.equal(error._tag, 'TlsVerifyFailed');
    assert.match(error.message, /pinnedPeerCertificateChainSha256/);
    assert.match(error.message, new RegExp(right.replace(/[+/]/g, '\\$&')));
    assert.equal(peer.accepted.length, before);
  });

  it('still checks the pin with allowInsecure (a self-signed server known by its pin alone)', async () => {
    const ok = await tunnelRoundTrip(
      dial(peer.address, dialSettingsFor(peer, { tls: { allowInsecure: true, pinnedPeerCertificateChainSha256: [right] } }), { manager }),
      4096,
    );
    assert.equal(ok.receivedSha256, ok.sentSha256);
    const error = await failure({ allowInsecure: true, pinnedPeerCertificateChainSha256: [wrong] });
    assert.equal(error._tag, 'TlsVerifyFailed');
  });

  it("checks Xray's public-key pins", async () => {
    const key = publicKeySha256(new X509Certificate(peer.cert as string).raw);
    const ok = await tunnelRoundTrip(
      dial(peer.address, dialSettingsFor(peer, { tls: { allowInsecure: true, pinnedPeerCertificatePublicKeySha256: [key] } }), { manager }),
      4096,
    );
    assert.equal(ok.receivedSha256, ok.sentSha256);
    const error = await failure({ allowInsecure: true, pinnedPeerCertificatePublicKeySha256: [wrong] });
    assert.match(error.message, /pinnedPeerCertificatePublicKeySha256/);
  });

  it('a pin that is not a base64 SHA-256 is InvalidConfig naming it', async () => {
    const error = await failure({ allowInsecure: true, pinnedPeerCertificateChainSha256: ['not-a-hash'] });
    assert.equal(error._tag, 'InvalidConfig');
    assert.match(error.message, /tls\.pinnedPeerCertificateChainSha256\[0\]/);
  });
});
