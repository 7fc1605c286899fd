import assert from 'node:assert/strict';
import { firstValueFrom } from 'rxjs';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { TransportError } from '../../src/errors/transport-error.js';
import { isTransportError } from '../../src/errors/error-guards.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';

async function dialError(peer: InProcessServer, manager: SessionManager, settings: Parameters<typeof dial>[1]): Promise<TransportError> {
  const error: unknown = await firstValueFrom(dial(peer.address, settings, { manager })).then(
    () => assert.fail('dial succeeded'),
    (e: unknown) => e,
  );
  assert.ok(isTransportError(error), `not a TransportError: ${String(error)}`);
  return error;
}

describe('dial: TLS settings and verification', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;

  before(async () => {
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
  });
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => peer.close());

  it('refuses to dial without TLS: TlsRequired, warning, and opens no session', async () => {
    const error = await dialError(peer, manager, { host: ['tunnel.test'], path: '/tun' });
    assert.equal(error._tag, 'TlsRequired');
    assert.equal(error.severity, 'warning');
    assert.equal(error.message, 'TLS must be enabled for http transport.');
    assert.equal(peer.events.filter((e) => e.type === 'session-opened').length, 0);
  });

  it('fails with TlsVerifyFailed (severity error) for a certificate it does not trust', async () => {
    const stranger = await selfSignedCertificate(['tunnel.test', '127.0.0.1']);
    const error = await dialError(peer, manager, dialSettingsFor(peer, { tls: { serverName: 'tunnel.test', ca: stranger.cert } }));
    assert.equal(error._tag, 'TlsVerifyFailed');
    assert.equal(error.severity, 'error');
    assert.equal(error.code, 'H2T_ERR_TLS_VERIFY');
  });

  it('fails with TlsVerifyFailed against the system roots for a self-signed certificate', async () => {
    const error = await dialError(peer, manager, dialSettingsFor(peer, { tls: { serverName: 'tunnel.test' } }));
    assert.equal(error._tag, 'TlsVerifyFailed');
    assert.equal(error.severity, 'error');
  });

  it('fails with TlsVerifyFailed when the server name is not on the certificate', async () => {
    const error = await dialError(peer, manager, dialSettingsFor(peer, { tls: { serverName: 'wrong.test', ca: peer.cert } }));
    assert.equal(error._tag, 'TlsVerifyFailed');
    assert.equal(error.severity, 'error');
    assert.match(error.message, /wrong\.test/);
  });

  it('accepts the same certificate with allowInsecure', async () => {
    const connection = await firstValueFrom(dial(peer.address, dialSettingsFor(peer, { tls: { serverName: 'wrong.test', allowInsecure: true } }), { manager }));
    connection.close();
    assert.equal((await connection.done)._tag, 'Right');
  });

  it('verifies an IP destination against the certificate IP names when no server name is given', async () => {
    const connection = await firstValueFrom(dial(peer.address, dialSettingsFor(peer, { tls: { ca: peer.cert } }), { manager }));
    connection.close();
    assert.equal((await connection.done)._tag, 'Right');
  });
});
