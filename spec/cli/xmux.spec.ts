import assert from 'node:assert/strict';
import { useCliFixture } from './support/cli-fixture.js';
import { echoThrough } from './support/echo-client.js';

// `h2tunnel client --xmux`: Xray's XMUX limits on the CLI's tunnels, counted by the server's own log.
describe('h2tunnel client --xmux', function () {
  this.timeout(90_000);
  const fx = useCliFixture('cli-xmux-');

  const sessionsOpened = (lines: readonly { readonly msg?: string }[]) => lines.filter((line) => line.msg === 'session opened').length;

  it('without it, 10 connections at once share one session, as ever', async () => {
    const server = await fx.tlsServer(fx.echo.port);
    const client = await fx.tlsClient(server.port);
    const results = await Promise.all(Array.from({ length: 10 }, () => echoThrough(client.port, 64 * 1024)));
    results.forEach((result) => assert.ok(result.matches));
    assert.equal(sessionsOpened(server.cli.lines), 1);
  });

  it('{"maxConnections": 2}: 10 connections at once are carried by exactly 2 sessions', async () => {
    const server = await fx.tlsServer(fx.echo.port);
    const client = await fx.tlsClient(server.port, '--xmux', '{"maxConnections": 2}');
    const results = await Promise.all(Array.from({ length: 10 }, () => echoThrough(client.port, 64 * 1024)));
    results.forEach((result) => assert.ok(result.matches));
    assert.equal(sessionsOpened(server.cli.lines), 2);
    assert.equal(sessionsOpened(client.cli.lines), 2);
  });
});
