import assert from 'node:assert/strict';
import { exhaustMap, firstValueFrom, interval, lastValueFrom, race, repeat, switchMap, take, takeUntil, tap, timeout, timer, toArray } from 'rxjs';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { Connection } from '../../src/connection/connection.js';
import { eventually } from '../helpers/eventually.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';

// A tunnel lives exactly as long as the subscription to its dial: operators that unsubscribe close
// what they supersede, on both ends, as rxjs's own ajax and webSocket do.
describe('reactive: a tunnel lives as long as its subscription', function () {
  this.timeout(30_000);
  let peer: InProcessServer;
  let manager: SessionManager;

  before(async () => (peer = await startServer({ host: ['tunnel.test'], path: '/tun' })));
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => peer.close());

  const open = (connections: readonly Connection[]) => connections.filter((c) => !c.closed).length;
  const dialPeer = () => dial(peer.address, dialSettingsFor(peer), { manager });

  it('switchMap: every superseded tunnel and the last one are closed on both ends once the pipeline ends', async () => {
    const acceptedBefore = peer.accepted.length;
    const dialed = await lastValueFrom(
      interval(10).pipe(
        take(30),
        switchMap(() => dialPeer()),
        // The last dial stays subscribed until the pipeline ends: take(…) of its emissions ends it.
        take(10),
        toArray(),
      ),
    );
    assert.ok(dialed.length === 10, `${dialed.length} tunnels emitted`);
    await eventually(() => open(dialed) === 0, 'every client tunnel to close', 2_000);
    await eventually(() => open(peer.accepted.slice(acceptedBefore)) === 0, 'every server tunnel to close', 2_000);
    for (const connection of dialed) assert.equal((await connection.done)._tag, 'Right', 'a cancelled tunnel ends cleanly for the side that cancelled it');
  });

  it('takeUntil: the tunnel is reset when the notifier fires after the connection arrived', async () => {
    const acceptedBefore = peer.accepted.length;
    const dialed = await lastValueFrom(dialPeer().pipe(takeUntil(timer(300)), toArray()));
    assert.equal(dialed.length, 1);
    await eventually(() => open(dialed) === 0 && open(peer.accepted.slice(acceptedBefore)) === 0, 'both ends to close', 2_000);
    const server = peer.accepted[acceptedBefore];
    assert.ok(server !== undefined);
    assert.equal((await server.done)._tag, 'Left', 'the server sees a reset, never a clean end');
  });

  it('race: the loser is never dialed past its cancel, and the winner closes with the subscription', async () => {
    const acceptedBefore = peer.accepted.length;
    const first = await firstValueFrom(race(dialPeer(), timer(2_000).pipe(switchMap(() => dialPeer()))).pipe(timeout({ first: 5_000 })));
    // firstValueFrom unsubscribed: without detach(), the winner is closed too.
    await eventually(() => first.closed, 'the winner to close once nobody holds it', 2_000);
    await eventually(() => open(peer.accepted.slice(acceptedBefore)) === 0, 'the server side to close', 2_000);
  });

  it('exhaustMap: tunnels opened while one is held are never dialed; the held one closes with the pipeline', async () => {
    const acceptedBefore = peer.accepted.length;
    const dialed = await lastValueFrom(
      interval(20).pipe(
        take(10),
        exhaustMap(() => dialPeer()),
        takeUntil(timer(500)),
        toArray(),
      ),
    );
    assert.equal(dialed.length, 1);
    await eventually(() => open(dialed) === 0 && open(peer.accepted.slice(acceptedBefore)) === 0, 'both ends to close', 2_000);
    assert.equal(peer.accepted.length - acceptedBefore, 1);
  });

  it('timeout({ each }): an open tunnel with no further emission is closed when the timeout fires', async () => {
    const acceptedBefore = peer.accepted.length;
    const error: unknown = await lastValueFrom(dialPeer().pipe(timeout(300))).then(
      () => assert.fail('completed'),
      (e: unknown) => e,
    );
    assert.equal((error as Error).name, 'TimeoutError');
    await eventually(() => open(peer.accepted.slice(acceptedBefore)) === 0, 'the server side to close', 2_000);
  });

  it('completes when the tunnel ends, so repeat() redials', async () => {
    const acceptedBefore = peer.accepted.length;
    const dialed = await lastValueFrom(
      dialPeer().pipe(
        // Each tunnel is ended at once; its dial completes when the stream closes, and repeat dials again.
        tap((connection) => void connection.end()),
        repeat(3),
        toArray(),
      ),
    );
    assert.equal(dialed.length, 3);
    for (const connection of dialed) assert.equal((await connection.done)._tag, 'Right');
    assert.equal(peer.accepted.length - acceptedBefore, 3);
  });
});
