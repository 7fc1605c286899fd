import assert from 'node:assert/strict';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { isTransportError } from '../../src/errors/error-guards.js';
import { selfSignedCertificate, type CertificatePair } from '../../src/tls/self-signed.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { testCertificate } from '../helpers/certs.js';
import { tunnelRoundTrip } from '../interop/round-trip.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

// v2fly's verifyClientCertificate: a client without a certificate from the configured CA never gets a
// tunnel; the hub (and so any forward target) sees nothing of it.
describe('listen: mutual TLS', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let client: CertificatePair;
  let stranger: CertificatePair;
  let manager: SessionManager;

  before(async () => {
    client = await selfSignedCertificate(['client.test'], 30, ['clientAuth']);
    stranger = await selfSignedCertificate(['client.test'], 30, ['clientAuth']);
    peer = await startServer({ host: ['tunnel.test'], path: '/tun', tls: { ...(await testCertificate()), clientCa: client.cert } });
  });
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => peer.close());

  const refusal = async (clientCertificate?: CertificatePair) => {
    const before = { accepted: peer.accepted.length, sessions: peer.events.filter((e) => e.type === 'session-opened').length };
    const settings = dialSettingsFor(peer, {
      tls: { serverName: 'tunnel.test', ca: peer.cert, ...(clientCertificate === undefined ? {} : { clientCertificate }) },
    });
    const error: unknown = await openTunnel(peer.address, settings, { manager }).then(
      () => assert.fail('dial succeeded'),
      (e: unknown) => e,
    );
    assert.ok(isTransportError(error), String(error));
    assert.equal(error._tag, 'TlsVerifyFailed', error.message);
    assert.match(error.message, /client certificate/);
    assert.equal(peer.accepted.length, before.accepted, 'a tunnel reached the hub');
    assert.equal(peer.events.filter((e) => e.type === 'session-opened').length, before.sessions, 'a session was opened');
  };

  it('carries bytes for a client presenting a certificate the CA issued', async () => {
    const settings = dialSettingsFor(peer, { tls: { serverName: 'tunnel.test', ca: peer.cert, clientCertificate: client } });
    const trip = await tunnelRoundTrip(dial(peer.address, settings, { manager }), 256 * 1024);
    assert.equal(trip.receivedSha256, trip.sentSha256);
  });

  it('refuses a client without a certificate: TlsVerifyFailed, no session, no tunnel', () => refusal());

  it('refuses a client whose certificate another CA issued', () => refusal(stranger));

  it('a clientCa that is not PEM is InvalidConfig naming tls.clientCa', async () => {
    const error: unknown = await startServer({ tls: { ...(await testCertificate()), clientCa: 42 as unknown as string } }).then(
      () => assert.fail('listen succeeded'),
      (e: unknown) => e,
    );
    assert.ok(isTransportError(error));
    assert.match(error.message, /tls\.clientCa/);
  });

  it('refuses a clientCa with no certificate in it, naming the key: Node would trust nothing and refuse every client', async () => {
    for (const clientCa of ['not a certificate', Buffer.alloc(0), [client.cert, 'garbage']]) {
      await assert.rejects(startServer({ tls: { ...(await testCertificate()), clientCa } }), { _tag: 'InvalidConfig', key: 'tls.clientCa' });
    }
  });
});
