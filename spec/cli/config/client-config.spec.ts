import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { clientConfig, type ClientFlags } from '../../../src/cli/config/client-config.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import { tempDir, type TempDir } from '../../helpers/process.js';

// How --xmux and --read-idle-timeout land in the client's DialSettings, beside a stream-settings file.
describe('clientConfig: --xmux and the keep-alive', () => {
  let dir: TempDir;
  let xhttpFile: string;

  before(async () => {
    dir = await tempDir('client-config-');
    xhttpFile = join(dir.path, 'xhttp.json');
    const xmux = { maxConcurrency: '16-32', hKeepAlivePeriod: -1 };
    await writeFile(xhttpFile, JSON.stringify({ network: 'xhttp', security: 'tls', xhttpSettings: { path: '/tun/', xmux } }));
  });
  after(() => dir?.remove());

  const settings = async (extra: Partial<ClientFlags>): Promise<DialSettings> => {
    const config = await clientConfig({ listen: '127.0.0.1:0', server: '127.0.0.1:443', idleTimeout: 300, zeroRtt: true, ...extra });
    assert.ok(E.isRight(config), JSON.stringify(config));
    return config.right.settings;
  };

  it("gives v2ray tunnels the --xmux limits, read as Xray's xmux (names, ranges, seconds)", async () => {
    assert.equal((await settings({})).xmux, undefined);
    const given = await settings({ xmux: '{"maxConnections": "2-4", "hMaxReusableSecs": 60, "hKeepAlivePeriod": 20}' });
    assert.deepEqual(given.xmux, { maxConnections: { from: 2, to: 4 }, maxReusableMs: { from: 60_000, to: 60_000 }, keepAlivePeriodMs: 20_000 });
  });

  it("puts --xmux in place of an XHTTP file's own xmux", async () => {
    assert.deepEqual((await settings({ streamSettings: xhttpFile })).xhttp?.xmux, { maxConcurrency: { from: 16, to: 32 }, keepAlivePeriodMs: 0 });
    const given = await settings({ streamSettings: xhttpFile, xmux: '{"maxConnections": 2}' });
    assert.deepEqual(given.xhttp?.xmux, { maxConnections: { from: 2, to: 2 } });
    assert.equal(given.xmux, undefined);
  });

  it('--read-idle-timeout takes the place of a keep-alive period the xmux gives, keeping its other limits', async () => {
    const fromFile = await settings({ streamSettings: xhttpFile, readIdleTimeout: 5 });
    assert.deepEqual(fromFile.xhttp?.xmux, { maxConcurrency: { from: 16, to: 32 }, keepAlivePeriodMs: 5_000 });
    assert.equal(fromFile.readIdleTimeoutMs, undefined);
    const fromFlag = await settings({ xmux: '{"hKeepAlivePeriod": 30}', readIdleTimeout: 5 });
    assert.deepEqual(fromFlag.xmux, { keepAlivePeriodMs: 5_000 });
    const plain = await settings({ readIdleTimeout: 5 });
    assert.equal(plain.readIdleTimeoutMs, 5_000);
  });
});
