import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { isInvalidConfig, isTlsVerifyFailed, isTransportError } from '../../src/errors/error-guards.js';
import { listen } from '../../src/server/listen.js';
import { testCertificate } from '../helpers/certs.js';
import { managerPerTest } from './support/manager-per-test.js';
import { startOurServer, type OurServer } from './support/our-server.js';
import { openTunnel } from './support/tunnels.js';

describe('reliability: security defaults', function () {
  this.timeout(15_000);
  let ours: OurServer | undefined;
  const client = managerPerTest(async () => {
    await ours?.close();
    ours = undefined;
  });

  it('verifies the certificate by default: an untrusted self-signed server fails typed, and no tunnel reaches it', async () => {
    ours = await startOurServer();
    const error = await openTunnel(client.manager, ours.address, { host: ['tunnel.test'], path: '/tun', tls: { serverName: 'tunnel.test' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isTlsVerifyFailed(error), String(error));
    assert.equal(ours.accepted.length, 0);
  });

  it('our server refuses TLS below 1.2', async () => {
    ours = await startOurServer();
    const socket = tls.connect({
      port: ours.port,
      host: '127.0.0.1',
      servername: 'tunnel.test',
      ca: ours.cert,
      ALPNProtocols: ['h2'],
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
    });
    const [error] = (await once(socket, 'error').catch((e: unknown) => [e])) as [Error & { code?: string }];
    assert.match(String(error.code), /^ERR_SSL_/);
    assert.equal(ours.server.stats().sessions, 0);
  });

  it('our client refuses a server that offers only TLS 1.1', async () => {
    const pair = await testCertificate();
    const old = tls.createServer({ cert: pair.cert, key: pair.key, ALPNProtocols: ['h2'], minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
    let secured = 0;
    old.on('secureConnection', (socket) => {
      secured++;
      socket.destroy();
    });
    old.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    try {
      const address = `127.0.0.1:${(old.address() as AddressInfo).port}`;
      const error = await openTunnel(client.manager, address, { host: ['tunnel.test'], tls: { serverName: 'tunnel.test', ca: pair.cert } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(isTransportError(error), String(error));
      assert.equal(secured, 0);
    } finally {
      await new Promise((resolve) => old.close(resolve));
    }
  });

  it('a key that does not load is a typed config error whose message carries no key material', async () => {
    const pair = await testCertificate();
    const broken = pair.key.replace(/[A-Za-z]{8}/, 'AAAAAAAA');
    const error = await listen({ listen: '127.0.0.1:0', tls: { cert: pair.cert, key: broken } }).then(
      (server) => server.close().then(() => undefined),
      (e: unknown) => e,
    );
    assert.ok(isInvalidConfig(error), String(error));
    const body = pair.key.split('\n').filter((line) => !line.startsWith('-----') && line.length > 16);
    for (const line of body) assert.ok(!error.message.includes(line.slice(0, 16)), 'the error quotes the key');
    assert.doesNotMatch(error.message, /PRIVATE KEY-----/);
  });
});
