import assert from 'node:assert/strict';
import type { Deployment } from '../../src/v2ray-config/deployment.js';
import { parseV2rayConfig } from '../../src/v2ray-config/parse-v2ray-config.js';
import type { InvalidConfig } from '../../src/errors/transport-error.js';
import { leftOf, rightOf } from '../helpers/either.js';

const right = (json: unknown, format: 'json' | 'jsonv5' = 'json'): Deployment => rightOf(parseV2rayConfig(json, format));
const left = (json: unknown, format: 'json' | 'jsonv5' = 'json'): InvalidConfig => leftOf(parseV2rayConfig(json, format));

const http = { network: 'http', security: 'tls', httpSettings: { host: ['tunnel.test'], path: '/tun' } };
const serverInbound = {
  tag: 'tunnel-in',
  listen: '127.0.0.1',
  port: 443,
  protocol: 'dokodemo-door',
  settings: { address: '127.0.0.1', port: 22, network: 'tcp' },
  streamSettings: { ...http, tlsSettings: { certificates: [{ certificateFile: 'cert.pem', keyFile: 'key.pem' }] } },
};
const clientConfig = {
  inbounds: [{ tag: 'app', listen: '127.0.0.1', port: 2222, protocol: 'dokodemo-door', settings: { address: 'tunnel.example', port: 443, network: 'tcp' } }],
  outbounds: [
    { tag: 'direct', protocol: 'freedom' },
    { tag: 'tunnel', protocol: 'freedom', streamSettings: { ...http, tlsSettings: { serverName: 'tunnel.test' } } },
  ],
  routing: { rules: [{ type: 'field', inboundTag: ['app'], outboundTag: 'tunnel' }] },
};

describe('parseV2rayConfig: a whole v4 config', () => {
  it('reads a dokodemo-door inbound over the http transport as a tunnel server', () => {
    const [part, ...rest] = right({ inbounds: [serverInbound], outbounds: [{ protocol: 'freedom' }] }).parts;
    assert.equal(rest.length, 0);
    assert.equal(part?.kind, 'server');
    assert.ok(part?.kind === 'server');
    assert.deepEqual(part.listen, { kind: 'tcp', host: '127.0.0.1', port: 443 });
    assert.deepEqual(part.forward, { host: '127.0.0.1', port: 22 });
    assert.deepEqual(part.stream.http, { host: ['tunnel.test'], path: '/tun' });
    assert.equal(part.where, 'inbounds[0] (tag "tunnel-in")');
  });

  it('reads a plain dokodemo-door routed by inboundTag to a freedom outbound over the transport as a tunnel client', () => {
    const [part] = right(clientConfig).parts;
    assert.ok(part?.kind === 'client');
    assert.deepEqual(part.listen, { kind: 'tcp', host: '127.0.0.1', port: 2222 });
    assert.deepEqual(part.server, { host: 'tunnel.example', port: 443 });
    assert.equal(part.stream.tls?.serverName, 'tunnel.test');
    assert.equal(part.where, 'inbounds[0] (tag "app") → outbounds[1] (tag "tunnel")');
  });

  it("takes the freedom outbound's redirect as the server, and listens on 0.0.0.0 and a string port as v2ray", () => {
    const config = structuredClone(clientConfig) as { inbounds: Record<string, unknown>[]; outbounds: Record<string, unknown>[] };
    delete config.inbounds[0]?.listen;
    (config.inbounds[0] as Record<string, unknown>).port = '2222';
    (config.outbounds[1] as Record<string, unknown>).settings = { redirect: '203.0.113.7:8443' };
    const [part] = right(config).parts;
    assert.ok(part?.kind === 'client');
    assert.deepEqual(part.server, { host: '203.0.113.7', port: 8443 });
    assert.deepEqual(part.listen, { kind: 'tcp', host: '0.0.0.0', port: 2222 });
  });

  it('runs several inbounds as several parts, and without a matching rule uses the first outbound', () => {
    const config = {
      inbounds: [serverInbound, { ...serverInbound, tag: 'second', port: 8443 }],
      outbounds: [{ protocol: 'freedom' }],
    };
    assert.deepEqual(
      right(config).parts.map((part) => part.where),
      ['inbounds[0] (tag "tunnel-in")', 'inbounds[1] (tag "second")'],
    );
  });

  it('maps log.loglevel and policy handshake/connIdle, and reports the policy keys it cannot map', () => {
    const deployment = right({
      log: { loglevel: 'warning', access: '/var/log/v2ray/access.log' },
      inbounds: [serverInbound],
      outbounds: [{ protocol: 'freedom' }],
      policy: { levels: { '0': { handshake: 2, connIdle: 60, uplinkOnly: 1, downlinkOnly: 1 } } },
    });
    assert.equal(deployment.logLevel, 'warn');
    assert.deepEqual(deployment.parts[0]?.policy, { connectTimeoutS: 2, idleTimeoutS: 60 });
    assert.ok(
      deployment.warnings.some((w) => /policy\.levels\.0\.uplinkOnly is not applied/.test(w)),
      deployment.warnings.join('\n'),
    );
    assert.ok(deployment.warnings.some((w) => /log\.access is ignored/.test(w)));
  });

  const unsupported: readonly (readonly [string, unknown, RegExp])[] = [
    [
      'a vmess outbound',
      { inbounds: [serverInbound], outbounds: [{ tag: 'proxy', protocol: 'vmess', settings: {} }] },
      /^outbounds\[0\] \(tag "proxy"\): protocol "vmess" is not supported; h2tunnel carries raw TCP over the http transport or XHTTP \(dokodemo-door ↔ freedom\)$/,
    ],
    [
      'a socks inbound',
      { inbounds: [{ port: 1080, protocol: 'socks' }], outbounds: [{ protocol: 'freedom' }] },
      /^inbounds\[0\]: protocol "socks" is not supported/,
    ],
    ['a vless inbound', { inbounds: [{ ...serverInbound, protocol: 'vless' }], outbounds: [{ protocol: 'freedom' }] }, /protocol "vless" is not supported/],
    [
      'routing by domain',
      { ...clientConfig, routing: { rules: [{ type: 'field', domain: ['example.com'], outboundTag: 'tunnel' }] } },
      /^routing\.rules\[0\]\.domain: routing by anything but inboundTag/,
    ],
    [
      'a rule naming an outbound that does not exist',
      { ...clientConfig, routing: { rules: [{ inboundTag: ['app'], outboundTag: 'nope' }] } },
      /^routing\.rules\[0\]\.outboundTag: names no outbound: "nope"/,
    ],
    [
      'a websocket transport',
      { inbounds: [{ ...serverInbound, streamSettings: { network: 'ws' } }], outbounds: [{ protocol: 'freedom' }] },
      /"ws" is not supported/,
    ],
    [
      'a plain forward without the transport',
      { inbounds: [clientConfig.inbounds[0]], outbounds: [{ protocol: 'freedom' }] },
      /does not use the http transport/,
    ],
    ['a port range', { inbounds: [{ ...serverInbound, port: '1000-2000' }], outbounds: [{ protocol: 'freedom' }] }, /^inbounds\[0\]\.port: port ranges/],
    ['mux', { ...clientConfig, outbounds: [{ ...clientConfig.outbounds[1], mux: { enabled: true } }] }, /mux is not supported/],
    ['UDP only', { inbounds: [{ ...serverInbound, settings: { address: '127.0.0.1', port: 53, network: 'udp' } }] }, /UDP is not carried/],
    ['a reverse section', { inbounds: [serverInbound], outbounds: [{ protocol: 'freedom' }], reverse: {} }, /^reverse: is not a section h2tunnel can honour/],
    [
      'uTLS fingerprint',
      { ...clientConfig, outbounds: [{ ...clientConfig.outbounds[1], streamSettings: { ...http, tlsSettings: { fingerprint: 'chrome' } } }] },
      /fingerprint "chrome" cannot be imitated/,
    ],
    ['alpn without h2', { inbounds: [{ ...serverInbound, streamSettings: { ...http, tlsSettings: { alpn: ['http/1.1'] } } }] }, /alpn: must contain "h2"/],
    [
      'an unknown cipher suite',
      { inbounds: [{ ...serverInbound, streamSettings: { ...http, tlsSettings: { cipherSuites: 'TLS_FAST' } } }] },
      /cipherSuites: "TLS_FAST" is not a cipher suite/,
    ],
    [
      'a zero handshake policy',
      { inbounds: [serverInbound], outbounds: [{ protocol: 'freedom' }], policy: { levels: { 0: { handshake: 0 } } } },
      /handshake: must be above 0/,
    ],
    ['no inbound at all', { outbounds: [{ protocol: 'freedom' }] }, /^inbounds: has no dokodemo-door \(or tunnel\) inbound/],
  ];
  for (const [what, config, message] of unsupported) {
    it(`refuses ${what} with one line naming where`, () => {
      const error = left(config);
      assert.equal(error._tag, 'InvalidConfig');
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /\n/);
    });
  }

  it('says a jsonv5 file read as v4 looks like jsonv5', () => {
    const error = left({ inbounds: [{ ...serverInbound, streamSettings: { transport: 'h2' } }] });
    assert.match(error.message, /looks like a jsonv5 config/);
  });

  it("says a file whose log section is jsonv5's object looks like jsonv5, naming the key", () => {
    const log = { access: { type: 'Console', level: 'Info' }, error: { type: 'Console', level: 'Warning' } };
    const error = left({ log, inbounds: [serverInbound], outbounds: [{ protocol: 'freedom' }] });
    assert.equal(error.key, 'log.access');
    assert.equal(error.message, 'log.access: must be a string, got an object (this looks like a jsonv5 config: pass --format jsonv5 or name it *.v5.json)');
  });

  it('leaves a plain wrong type in a v4 log section without the jsonv5 hint', () => {
    const error = left({ log: { loglevel: 3 }, inbounds: [serverInbound], outbounds: [{ protocol: 'freedom' }] });
    assert.equal(error.message, 'log.loglevel: must be a string, got number 3');
  });
});

describe('parseV2rayConfig: jsonv5', () => {
  const v5Stream = {
    transport: 'h2',
    transportSettings: { host: ['tunnel.test'], path: '/tun', header: [{ name: 'X-Team', value: ['ops'] }], parseXForwardedFor: true },
    security: 'tls',
    securitySettings: {
      certificate: [{ usage: 'ENCIPHERMENT', certificateFile: 'cert.pem', keyFile: 'key.pem' }],
      minVersion: 'TLS1_3',
    },
  };

  it('reads a server with transport h2, securitySettings, a string port and log.error.level', () => {
    const deployment = right(
      {
        log: { error: { level: 'Debug', type: 'Console' }, access: { type: 'None' } },
        inbounds: [
          {
            listen: '127.0.0.1',
            port: '8443',
            protocol: 'dokodemo-door',
            settings: { address: '127.0.0.1', port: 22, networks: ['tcp'] },
            streamSettings: v5Stream,
          },
        ],
        outbounds: [{ protocol: 'freedom' }],
      },
      'jsonv5',
    );
    assert.equal(deployment.logLevel, 'debug');
    const [part] = deployment.parts;
    assert.ok(part?.kind === 'server');
    assert.deepEqual(part.listen, { kind: 'tcp', host: '127.0.0.1', port: 8443 });
    assert.deepEqual(part.stream.http, { host: ['tunnel.test'], path: '/tun', headers: { 'X-Team': ['ops'] } });
    assert.equal(part.stream.tls?.minVersion, 'TLSv1.3');
    assert.equal(part.trustForwardedFor, true);
  });

  it('reads a client routed by router.rule tag, with a destinationOverride, pins and snake_case names', () => {
    const pin = Buffer.alloc(32, 7).toString('base64');
    const deployment = right(
      {
        inbounds: [{ tag: 'app', listen: '127.0.0.1', port: 2222, protocol: 'dokodemo-door', settings: { address: '127.0.0.1', port: 443 } }],
        outbounds: [
          { tag: 'direct', protocol: 'freedom' },
          {
            tag: 'tunnel',
            protocol: 'freedom',
            settings: { destinationOverride: { server: { address: 'tunnel.example', port: 8443 } } },
            streamSettings: { transport: 'h2', security: 'tls', securitySettings: { server_name: 'tunnel.test', pinned_peer_certificate_chain_sha256: [pin] } },
          },
        ],
        router: { rule: [{ tag: 'tunnel', inboundTag: ['app'] }] },
      },
      'jsonv5',
    );
    const [part] = deployment.parts;
    assert.ok(part?.kind === 'client');
    assert.deepEqual(part.server, { host: 'tunnel.example', port: 8443 });
    assert.equal(part.stream.tls?.serverName, 'tunnel.test');
    assert.deepEqual(part.stream.tls?.pinnedPeerCertificateChainSha256, [pin]);
  });

  it('refuses a transport other than h2, naming the key', () => {
    const error = left(
      { inbounds: [{ port: 1, protocol: 'dokodemo-door', settings: { address: 'a', port: 1 }, streamSettings: { transport: 'grpc' } }] },
      'jsonv5',
    );
    assert.match(error.message, /inbounds\[0\]\.streamSettings\.transport/);
  });
});
