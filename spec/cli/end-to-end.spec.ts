import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../helpers/process.js';
import { listening, useCliFixture } from './support/cli-fixture.js';
import { closedWithoutEcho, echoThrough } from './support/echo-client.js';

// The real CLI on both ends: h2tunnel client -> h2tunnel server -> TCP echo target.
describe('h2tunnel client + server carry bytes end to end', function () {
  this.timeout(90_000);
  const fx = useCliFixture('cli-e2e-');

  it('over verified TLS: several connections at once, each echoed intact, on one session', async () => {
    const server = await fx.tlsServer(fx.echo.port);
    const client = await fx.tlsClient(server.port, '--log-level', 'debug');
    const results = await Promise.all([1, 2, 3, 4].map(() => echoThrough(client.port, 512 * 1024)));
    results.forEach((result) => assert.ok(result.matches, `echo of ${result.sent} bytes came back as ${result.received}`));
    await client.cli.waitFor((l) => l.msg === 'tunnel closed', 'a tunnel closed line');
    assert.equal(client.cli.lines.filter((l) => l.msg === 'session opened').length, 1, 'one session for all tunnels');
    assert.equal(client.cli.lines.filter((l) => l.msg === 'tunnel opened' && l.level === 'debug').length, 4);
    assert.equal(server.cli.lines.filter((l) => l.msg === 'session opened' && l.level === 'info').length, 1);
  });

  it('over h2c', async () => {
    const server = await fx.start(['server', '--listen', '127.0.0.1:0', '--forward', `127.0.0.1:${fx.echo.port}`, '--h2c']);
    const client = await fx.start(['client', '--listen', '127.0.0.1:0', '--server', `127.0.0.1:${server.port}`, '--h2c']);
    assert.ok((await echoThrough(client.port, 256 * 1024)).matches);
  });

  it('a server configured only from a v2ray inbound streamSettings file (TLS certificates by file)', async () => {
    const file = join(fx.dir.path, 'server-stream.json');
    const streamSettings = {
      network: 'http',
      security: 'tls',
      httpSettings: { host: ['tunnel.test'], path: '/from-json' },
      tlsSettings: { certificates: [{ certificateFile: 'cert.pem', keyFile: 'key.pem' }] },
    };
    await writeFile(file, JSON.stringify(streamSettings));
    const server = await fx.start(['server', '--listen', '127.0.0.1:0', '--forward', `127.0.0.1:${fx.echo.port}`, '--stream-settings', file]);
    const ready = server.cli.lines.find(listening);
    assert.equal(ready?.tls, true);
    assert.equal(ready?.path, '/from-json');
    const client = await fx.tlsClientOnPath('/from-json', server.port);
    assert.ok((await echoThrough(client.port, 300_000)).matches);
  });

  it('a server file without "security": "tls" speaks h2c, as a v2ray server', async () => {
    const file = join(fx.dir.path, 'server-h2c.json');
    await writeFile(file, JSON.stringify({ network: 'http', httpSettings: { path: '/plain' } }));
    const server = await fx.start(['server', '--listen', '127.0.0.1:0', '--forward', `127.0.0.1:${fx.echo.port}`, '--stream-settings', file]);
    assert.equal(server.cli.lines.find(listening)?.tls, false);
    const client = await fx.start(['client', '--listen', '127.0.0.1:0', '--server', `127.0.0.1:${server.port}`, '--h2c', '--path', '/plain']);
    assert.ok((await echoThrough(client.port, 50_000)).matches);
  });

  it('warns at start when --insecure, and still carries bytes', async () => {
    const server = await fx.tlsServer(fx.echo.port);
    const client = await fx.start([
      'client',
      '--listen',
      '127.0.0.1:0',
      '--server',
      `127.0.0.1:${server.port}`,
      '--insecure',
      '--host',
      'tunnel.test',
      '--path',
      '/tun',
    ]);
    const warning = await client.cli.waitFor((l) => l.level === 'warn' && /--insecure/.test(String(l.msg)), 'the --insecure warning');
    assert.match(String(warning.msg), /NOT verified/);
    assert.ok((await echoThrough(client.port, 64 * 1024)).matches);
  });

  it('a tunnel whose forward target is down closes its local connection, is logged on both ends, and the client keeps serving', async () => {
    const deadTarget = await freePort();
    const server = await fx.tlsServer(deadTarget);
    const client = await fx.tlsClient(server.port);
    const closed = await closedWithoutEcho(client.port);
    assert.equal(closed.received, 0);
    assert.ok(closed.reset, 'the local connection is reset, not ended as if all went well');
    const serverLine = await server.cli.waitFor((l) => l.msg === 'tunnel failed', 'the server logging the failed forward');
    assert.equal(serverLine.tag, 'ConnectFailed');
    assert.equal(serverLine.code, 'H2T_ERR_CONNECT');
    assert.equal(serverLine.severity, 'warning');
    assert.match(String(serverLine.cause), /ECONNREFUSED/);
    const clientLine = await client.cli.waitFor((l) => l.msg === 'tunnel failed', 'the client logging the reset tunnel');
    assert.ok(typeof clientLine.tag === 'string' && typeof clientLine.code === 'string' && typeof clientLine.severity === 'string', JSON.stringify(clientLine));
    assert.equal(client.cli.child.exitCode, null, 'the client still runs');
  });

  it('a wrong path is a logged 404 on the server and a typed, logged failure on the client', async () => {
    const server = await fx.tlsServer(fx.echo.port);
    const client = await fx.tlsClientOnPath('/elsewhere', server.port);
    assert.ok((await closedWithoutEcho(client.port)).reset);
    const rejected = await server.cli.waitFor((l) => l.msg === 'tunnel rejected', 'the 404 log line');
    assert.equal(rejected.status, 404);
    assert.equal(rejected.reason, 'path');
    const failed = await client.cli.waitFor((l) => l.msg === 'tunnel failed to open', 'the client failure line');
    assert.equal(failed.tag, 'UnexpectedStatus');
    assert.equal(failed.code, 'H2T_ERR_STATUS');
    assert.equal(failed.level, 'warn');
    // The server keeps serving well-formed tunnels.
    assert.ok((await echoThrough((await fx.tlsClient(server.port)).port, 1024)).matches);
  });

  it('logs a stats line with tunnels, sessions and bytes when --stats-interval is set', async () => {
    const server = await fx.tlsServer(fx.echo.port);
    const client = await fx.tlsClient(server.port, '--stats-interval', '0.2');
    assert.ok((await echoThrough(client.port, 100_000)).matches);
    const stats = await client.cli.waitFor((l) => l.msg === 'stats' && l.bytesUp === 100_000, 'a stats line counting the transfer');
    assert.equal(stats.bytesDown, 100_000);
    assert.equal(stats.sessions, 1);
    assert.equal(stats.tunnels, 0);
  });

  it('never logs key material', () => {
    const all = fx
      .started()
      .map((cli) => cli.stderr())
      .join('\n');
    assert.ok(all.length > 0);
    assert.doesNotMatch(all, /PRIVATE KEY|BEGIN CERTIFICATE/);
  });
});
