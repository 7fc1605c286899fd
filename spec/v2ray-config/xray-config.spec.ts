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
