import assert from 'node:assert/strict';
import type { Deployment } from '../../src/v2ray-config/deployment.js';
import { parseV2rayConfig } from '../../src/v2ray-config/parse-v2ray-config.js';
import type { InvalidConfig } from '../../src/errors/transport-error.js';
import { leftOf, rightOf } from '../helpers/either.js';

const right = (json: unknown): Deployment => rightOf(parseV2rayConfig(json, 'json'));
const left = (json: unknown): InvalidConfig => leftOf(parseV2rayConfig(json, 'json'));

// Whole Xray config files as Xray v26.7.28 runs them (the shapes of configs proven against the real binary).
const server = {
  log: { loglevel: 'info' },
  inbounds: [
    {
      tag: 'xhttp-in',
      listen: '127.0.0.1',
      port: 17443,
      protocol: 'tunnel',
      settings: { address: '127.0.0.1', port: 17000, network: 'tcp' },
      streamSettings: {
        network: 'xhttp',
        xhttpSettings: { host: 'tunnel.test', path: '/tun/', mode: 'auto' },
        security: 'tls',
        tlsSettings: { certificates: [{ certificateFile: 'cert.pem', keyFile: 'key.pem' }] },
      },
    },
  ],
  outbounds: [{ protocol: 'freedom' }],
};
const client = {
  log: { loglevel: 'info' },
  inbounds: [{ tag: 'local-in', listen: '127.0.0.1', port: 17001, protocol: 'tunnel', settings: { address: '127.0.0.1', port: 17443, network: 'tcp' } }],
  outbounds: [
    {
      protocol: 'freedom',
      streamSettings: {
        network: 'xhttp',
        xhttpSettings: { host: 'tunnel.test', path: '/tun/', mode: 'stream-one' },
        security: 'tls',
        tlsSettings: { serverName: 'tunnel.test', certificates: [{ usage: 'verify', certificateFile: 'cert.pem' }] },
      },
    },
  ],
};

/** The client file with `tlsSettings` in place of its own. */
const withClientTls = (tlsSettings: object) => ({
  ...client,
  outbounds: [{ ...client.outbounds[0], streamSettings: { ...client.outbounds[0]?.streamSettings, tlsSettings } }],
});

describe('parseV2rayConfig: whole Xray files with XHTTP', () => {
  it("reads a `tunnel` inbound over XHTTP as a tunnel server (Xray's name for dokodemo-door)", () => {
    const [part] = right(server).parts;
    assert.ok(part?.kind === 'server');
    assert.deepEqual(part.forward, { host: '127.0.0.1', port: 17000 });
    assert.deepEqual(part.stream.http, { host: ['tunnel.test'], path: '/tun/' });
    assert.deepEqual(part.stream.xhttp, { mode: 'auto' });
    assert.equal(part.stream.tls?.certificates[0]?.usage, 'encipherment');
  });

  it('reads a `tunnel` inbound routed to a freedom outbound over XHTTP as a tunnel client', () => {
    const [part] = right(client).parts;
    assert.ok(part?.kind === 'client');
    assert.deepEqual(part.server, { host: '127.0.0.1', port: 17443 });
    assert.deepEqual(part.stream.xhttp, { mode: 'stream-one' });
    assert.equal(part.stream.tls?.serverName, 'tunnel.test');
  });

  it("reads Xray's pinnedPeerCertSha256 and verifyPeerCertByName as Xray does: comma-separated, colons and case ignored", () => {
    const hex = '5a63f32ccddf293957fec6b7c05bd70abcb84ea894a9a5601fd17b5c86fa04dc';
    const colons = hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    const pinned = withClientTls({
      serverName: 'front.test',
      pinnedPeerCertSha256: ` ${colons}, ,${'0b'.repeat(32)}`,
      verifyPeerCertByName: 'tunnel.test, other.test',
    });
    const [part] = right(pinned).parts;
    assert.ok(part?.kind === 'client');
    assert.deepEqual(part.stream.tls?.pinnedPeerCertSha256, [hex, '0b'.repeat(32)]);
    assert.deepEqual(part.stream.tls?.verifyPeerCertByName, ['tunnel.test', 'other.test']);
  });

  it('a bad pinnedPeerCertSha256 or verifyPeerCertByName is InvalidConfig naming the key', () => {
    const key = 'outbounds[0].streamSettings.tlsSettings';
    assert.equal(left(withClientTls({ pinnedPeerCertSha256: 'not-hex' })).key, `${key}.pinnedPeerCertSha256`);
    assert.match(left(withClientTls({ pinnedPeerCertSha256: 'ab'.repeat(31) })).message, /64 hex digits/);
    assert.equal(left(withClientTls({ pinnedPeerCertSha256: ['ab'.repeat(32)] })).key, `${key}.pinnedPeerCertSha256`);
    assert.equal(left(withClientTls({ verifyPeerCertByName: 'a b' })).key, `${key}.verifyPeerCertByName`);
    assert.equal(left(withClientTls({ allowInsecure: true, verifyPeerCertByName: 'tunnel.test' })).key, `${key}.allowInsecure`);
  });

  it("takes a plain outbound spelt with Xray's `raw` as plain TCP", () => {
    const withRaw = { ...server, outbounds: [{ protocol: 'freedom', streamSettings: { network: 'raw', security: 'none' } }] };
    assert.equal(right(withRaw).parts[0]?.kind, 'server');
  });

  it('names the inbound and the key when an XHTTP setting cannot be honoured', () => {
    const reality = { ...server, inbounds: [{ ...server.inbounds[0], streamSettings: { network: 'xhttp', security: 'reality', realitySettings: {} } }] };
    assert.equal(left(reality).key, 'inbounds[0].streamSettings.security');
    const obfuscated = {
      ...client,
      outbounds: [{ protocol: 'freedom', streamSettings: { network: 'xhttp', xhttpSettings: { xPaddingObfsMode: true }, security: 'tls' } }],
    };
    assert.equal(left(obfuscated).key, 'outbounds[0].streamSettings.xhttpSettings.xPaddingObfsMode');
  });

  it("refuses Xray's other transports by name, saying which two h2tunnel speaks", () => {
    const grpc = { ...server, inbounds: [{ ...server.inbounds[0], streamSettings: { network: 'grpc' } }] };
    assert.match(
      left(grpc).message,
      /^inbounds\[0\]\.streamSettings\.network: "grpc" is not supported; h2tunnel speaks only the http transport and Xray's XHTTP$/,
    );
    const byMethod = { ...server, inbounds: [{ ...server.inbounds[0], streamSettings: { method: 'ws' } }] };
    assert.equal(left(byMethod).key, 'inbounds[0].streamSettings.method');
  });
});
