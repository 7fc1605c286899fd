import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { Mutex } from 'async-mutex';
import { firstValueFrom, Observable, type Subscriber, type Subscription } from 'rxjs';
import { leaseSession, type LeaseHost } from '../../../src/client/pool/lease-request.js';
import { PooledSession } from '../../../src/client/pool/pooled-session.js';
import type { SessionLease } from '../../../src/client/pool/session-lease.js';
import { protocolError } from '../../../src/errors/transport-error.js';

/** A session opening the test controls: it counts subscribers and connects when told to. */
function controlledOpen() {
  const subscribers = new Set<Subscriber<ClientHttp2Session>>();
  let opened = 0;
  const open = new Observable<ClientHttp2Session>((subscriber) => {
    opened++;
    subscribers.add(subscriber);
    return () => subscribers.delete(subscriber);
  });
  const session = { closed: false, destroyed: false } as unknown as ClientHttp2Session;
  return {
    open,
    opened: () => opened,
    connecting: () => subscribers.size,
    connect: () => {
      for (const subscriber of [...subscribers]) {
        subscriber.next(session);
        subscriber.complete();
      }
    },
  };
}

/** A LeaseHost over one PooledSession, with the manager's mutex discipline, recording releases. */
function hostOver(entry: PooledSession, onReserve: () => void = () => undefined) {
  const mutex = new Mutex();
  const released: PooledSession[] = [];
  const host: LeaseHost = {
    exclusive: (task) => mutex.runExclusive(task),
    reserve: () => {
      entry.reserved++;
      onReserve();
      return entry;
    },
    leaseOf: (leased, session): SessionLease => ({ session, sessionId: leased.id, release: () => undefined, evict: () => undefined }),
    release: (given, admitted) => {
      released.push(given);
      given.reserved--;
      if (admitted) given.active--;
    },
    refused: () => protocolError('no streams'),
  };
  return { host, released };
}

// The lease state machine through its LeaseHost interface: what it holds is given back exactly once,
// whenever the subscriber leaves, and a session nobody waits for never starts connecting.
describe('pool: leaseSession', () => {
  it('unsubscribing between the reservation and the wait for the connect gives the reservation back and never starts the connect', async () => {
    const control = controlledOpen();
    const entry = new PooledSession('k', control.open, { connected: (s) => (entry.session = s), failed: () => undefined });
    const holder: { subscription?: Subscription } = {};
    // The subscriber leaves in the microtask right after the reservation was made under the mutex.
    const { host, released } = hostOver(entry, () => queueMicrotask(() => holder.subscription?.unsubscribe()));
    holder.subscription = leaseSession(host).subscribe(() => assert.fail('leased after unsubscribing'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(released.length, 1, 'the reservation was given back once');
    assert.equal(entry.reserved, 0);
    assert.equal(control.opened(), 0, 'the connect started for nobody');
  });

  it('a lease on a session still connecting is granted once it connects, within the provisional limit', async () => {
    const control = controlledOpen();
    const entry = new PooledSession('k', control.open, { connected: (s) => (entry.session = s), failed: () => undefined });
    const { host } = hostOver(entry);
    const leased = firstValueFrom(leaseSession(host));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(control.connecting(), 1);
    control.connect();
    const lease = await leased;
    assert.equal(lease.sessionId, entry.id);
    assert.equal(entry.active, 1);
  });

  it('unsubscribing while the session connects stops the connect and gives the reservation back', async () => {
    const control = controlledOpen();
    const entry = new PooledSession('k', control.open, { connected: (s) => (entry.session = s), failed: () => undefined });
    const { host, released } = hostOver(entry);
    const subscription = leaseSession(host).subscribe(() => assert.fail('leased after unsubscribing'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(control.connecting(), 1);
    subscription.unsubscribe();
    assert.equal(control.connecting(), 0, 'nobody waits: the connect is abandoned');
    assert.equal(released.length, 1);
  });

  it('a full session sends the lease back to reserving, and the slot count stays right', async () => {
    const control = controlledOpen();
    const entry = new PooledSession('k', control.open, { connected: (s) => (entry.session = s), failed: () => undefined });
    entry.settingsArrived(1);
    entry.session = { closed: false, destroyed: false } as unknown as ClientHttp2Session;
    entry.active = 1;
    let reserves = 0;
    const { host } = hostOver(entry, () => {
      if (++reserves === 2) entry.active = 0;
    });
    const lease = await firstValueFrom(leaseSession(host));
    assert.equal(reserves, 2, 'reserved again after finding the session full');
    assert.equal(lease.sessionId, entry.id);
    assert.equal(entry.reserved, 1, 'one reservation held: the full one was given back');
  });
});
