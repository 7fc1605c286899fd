import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { useCliFixture } from '../cli/support/cli-fixture.js';
import { openTunnel, roundTrip } from './support/tunnels.js';
import { rapidReset } from './support/rapid-reset.js';

const PAIRS = 20_000;
const SESSIONS = 20;

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

describe('reliability: rapid reset (CVE-2023-44487) against the server CLI', function () {
  this.timeout(60_000);
  const fx = useCliFixture('rapid-reset-');

  it(`${PAIRS} HEADERS + RST_STREAM pairs over ${SESSIONS} sessions from one address: the target sees at most 2 %, a bystander is served within 1 s`, async () => {
    const { cli, port } = await fx.tlsServer(fx.echo.port, '--log-level', 'info');
    const baseline = fx.echo.accepted();
    const rssBefore = rssMb(cli.child.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(cli.child.pid))), 50);

    // A bystander on another loopback address: a new session and a round trip, one after another, throughout.
    const settings = { host: ['tunnel.test'], path: '/tun', tls: { serverName: 'tunnel.test', ca: readFileSync(fx.files.certFile, 'utf8') } };
    let attacking = true;
    let attackEnded = Infinity;
    const bystander = (async () => {
      const times: number[] = [];
      let duringAttack = 0;
      while (attacking) {
        const manager = new SessionManager();
        const started = performance.now();
        try {
          const connection = await openTunnel(manager, `127.0.0.1:${port}`, settings);
          assert.equal((await roundTrip(connection, Buffer.from('still served'))).toString(), 'still served');
          times.push(performance.now() - started);
          if (started < attackEnded) duringAttack++;
        } finally {
          await manager.close();
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { times, duringAttack };
    })();

    const attack = await rapidReset({
      port,
      tls: true,
      authority: 'tunnel.test',
      path: '/tun',
      pairs: PAIRS,
      sessions: SESSIONS,
      localAddress: '127.0.0.2',
      deadlineMs: 30_000,
    });
    attackEnded = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    attacking = false;
    const { times, duringAttack } = await bystander;
    clearInterval(sampler);

    const reached = fx.echo.accepted() - baseline - times.length;
    const slowest = Math.max(...times);
    console.log(
      `      ${attack.sent} pairs over ${attack.sessionsOpened} sessions: ${reached} target connections, ${attack.goaways} GOAWAY (codes ${attack.goawayCodes.join(', ')}), ` +
        `RSS ${rssBefore.toFixed(0)} -> ${rssPeak.toFixed(0)} MB; bystander: ${times.length} sessions (${duringAttack} during the attack), slowest ${slowest.toFixed(0)} ms`,
    );
    assert.equal(attack.sent, PAIRS, 'the attack did not get all its pairs out');
    assert.ok(reached <= PAIRS * 0.02, `${reached} connections reached the forward target`);
    assert.ok(rssPeak - rssBefore < 150, `RSS grew by ${(rssPeak - rssBefore).toFixed(0)} MB`);
    // The server's own word that its reset budget closed sessions (the GOAWAY frame itself may be lost to
    // the RST a busy socket closes with; spec/server/stream-resets.spec.ts reads it off the wire).
    assert.ok(
      cli.lines.some((line) => line.msg === 'session error' && /streams reset by the client/.test(String(line.error))),
      'the server never closed an abusive session',
    );
    // The attack itself lasts a second or two: every bystander tunnel started meanwhile must get through.
    assert.ok(duringAttack >= 1, 'no bystander tunnel was opened while the attack ran');
    assert.ok(slowest < 1_000, `a bystander session and tunnel took ${slowest.toFixed(0)} ms`);
  });
});
