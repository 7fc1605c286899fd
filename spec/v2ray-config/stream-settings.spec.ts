import assert from 'node:assert/strict';
import { parseStreamSettings, type StreamSettings } from '../../src/v2ray-config/stream-settings.js';
import type { InvalidConfig } from '../../src/errors/transport-error.js';
import { leftOf, rightOf } from '../helpers/either.js';

const right = (json: unknown): StreamSettings => rightOf(parseStreamSettings(json));
const left = (json: unknown): InvalidConfig => leftOf(parseStreamSettings(json));

describe('parseStreamSettings', () => {
  it('reads the full v2ray shape: hosts, path, method, headers, health check, TLS and certificates', () => {
    const parsed = right({
      network: 'http',
      security: 'tls',
      httpSettings: {
        host: ['tunnel.example', 'alt.example'],
        path: '/tun',
        read_idle_timeout: 10,
        health_check_timeout: 15,
        method: 'POST',
        headers: { 'x-a': ['1', '2'], 'x-b': '3' },
      },
      tlsSettings: {
        serverName: 'tunnel.example',
        allowInsecure: false,
        certificates: [
          { certificateFile: 'cert.pem', keyFile: 'key.pem' },
          { usage: 'verify', certificate: ['-----BEGIN CERTIFICATE-----', 'AAAA', '-----END CERTIFICATE-----'] },
        ],
      },
    });
    assert.deepEqual(parsed.http, {
      host: ['tunnel.example', 'alt.example'],
      path: '/tun',
      method: 'POST',
      readIdleTimeoutMs: 10_000,
      healthCheckTimeoutMs: 15_000,
      headers: { 'x-a': ['1', '2'], 'x-b': ['3'] },
    });
    assert.deepEqual(parsed.tls, {
      serverName: 'tunnel.example',
      allowInsecure: false,
      certificates: [
        { usage: 'encipherment', certificateFile: 'cert.pem', keyFile: 'key.pem', at: 'streamSettings.tlsSettings.certificates[0]' },
        { usage: 'verify', certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', at: 'streamSettings.tlsSettings.certificates[1]' },
      ],
    });
    assert.deepEqual(parsed.warnings, []);
  });

  it('accepts a single host string as v2ray does, and "h2" as the network name', () => {
    assert.deepEqual(right({ network: 'h2', httpSettings: { host: 'one.test' } }).http.host, ['one.test']);
  });

  it('has no TLS section when security is not tls', () => {
    const parsed = right({ network: 'http', httpSettings: {} });
    assert.equal(parsed.tls, undefined);
    assert.deepEqual(parsed.http, {});
  });

  it('names the offending list element when a host is not a string', () => {
    const error = left({ network: 'http', httpSettings: { host: ['ok.test', 42] } });
    assert.equal(error._tag, 'InvalidConfig');
    assert.equal(error.key, 'streamSettings.httpSettings.host[1]');
    assert.match(error.message, /httpSettings\.host\[1\]: must be a string, got number 42/);
  });

  it('names the key for other wrong types', () => {
    assert.equal(left({ network: 'http', httpSettings: { path: 5 } }).key, 'streamSettings.httpSettings.path');
    assert.equal(left({ network: 'http', httpSettings: { read_idle_timeout: '10' } }).key, 'streamSettings.httpSettings.read_idle_timeout');
    assert.equal(left({ network: 'http', httpSettings: { read_idle_timeout: -1 } }).key, 'streamSettings.httpSettings.read_idle_timeout');
    assert.equal(left({ network: 'http', security: 'tls', tlsSettings: { allowInsecure: 'yes' } }).key, 'streamSettings.tlsSettings.allowInsecure');
    assert.equal(left({ network: 'http', httpSettings: { headers: { 'x-a': [1] } } }).key, 'streamSettings.httpSettings.headers.x-a[0]');
    assert.equal(left({ network: 'http', httpSettings: [] }).key, 'streamSettings.httpSettings');
    assert.equal(left('http').key, 'streamSettings');
  });

  it('rejects another network and an unknown security', () => {
    assert.equal(left({ network: 'ws' }).key, 'streamSettings.network');
    assert.equal(left({}).key, 'streamSettings.network');
    assert.equal(left({ network: 'http', security: 'reality' }).key, 'streamSettings.security');
  });

  it('rejects unknown keys at every level, naming them', () => {
    assert.equal(left({ network: 'http', bogus: 1 }).key, 'streamSettings.bogus');
    assert.equal(left({ network: 'http', httpSettings: { hosts: ['typo.test'] } }).key, 'streamSettings.httpSettings.hosts');
    assert.equal(left({ network: 'http', security: 'tls', tlsSettings: { servername: 'x' } }).key, 'streamSettings.tlsSettings.servername');
    assert.equal(
      left({ network: 'http', security: 'tls', tlsSettings: { certificates: [{ certificateFile: 'c', keyFile: 'k', extra: true }] } }).key,
      'streamSettings.tlsSettings.certificates[0].extra',
    );
  });

  it('rejects a certificate entry that cannot work', () => {
    const noKey = left({ network: 'http', security: 'tls', tlsSettings: { certificates: [{ certificateFile: 'c' }] } });
    assert.equal(noKey.key, 'streamSettings.tlsSettings.certificates[0]');
    const noCert = left({ network: 'http', security: 'tls', tlsSettings: { certificates: [{ keyFile: 'k' }] } });
    assert.equal(noCert.key, 'streamSettings.tlsSettings.certificates[0]');
  });

  it('warns about known keys it ignores instead of failing', () => {
    const parsed = right({
      network: 'http',
      security: 'none',
      sockopt: { mark: 255 },
      wsSettings: {},
      tlsSettings: { serverName: 'x' },
    });
    assert.equal(parsed.tls, undefined);
    assert.deepEqual([...parsed.warnings].sort(), [
      'streamSettings.sockopt is ignored by the http transport',
      'streamSettings.tlsSettings is ignored because security is not "tls"',
      'streamSettings.wsSettings is ignored by the http transport',
    ]);
  });

  it('accepts TLS keys that do not change the wire', () => {
    const parsed = right({ network: 'http', security: 'tls', tlsSettings: { alpn: ['h2'], disableSystemRoot: false, serverName: 's.test' } });
    assert.equal(parsed.tls?.serverName, 's.test');
  });

  it('reads disableSessionResumption, and names it when it is not a boolean', () => {
    const parsed = right({ network: 'http', security: 'tls', tlsSettings: { disableSessionResumption: true } });
    assert.equal(parsed.tls?.disableSessionResumption, true);
    assert.equal(
      left({ network: 'http', security: 'tls', tlsSettings: { disableSessionResumption: 'yes' } }).key,
      'streamSettings.tlsSettings.disableSessionResumption',
    );
  });

  it('says so when handed a whole v2ray config, naming the entry whose streamSettings fit', () => {
    const config = {
      log: { loglevel: 'warning' },
      inbounds: [{ port: 1080, protocol: 'dokodemo-door', settings: { address: '127.0.0.1', port: 22 } }],
      outbounds: [{ tag: 'tunnel', protocol: 'freedom', streamSettings: { network: 'http', security: 'tls', httpSettings: { path: '/tun' } } }],
    };
    const error = left(config);
    assert.equal(error.key, 'streamSettings');
    assert.match(error.message, /whole v2ray config .*use the "streamSettings" of outbounds\[0\] \(tag "tunnel"\)/);
    assert.match(left({ inbounds: [], outbounds: [{ protocol: 'vmess' }] }).message, /none of its inbounds or outbounds uses the http transport/);
  });
});
