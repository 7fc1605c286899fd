import { SessionManager, type SessionEvent } from '../../../src/client/pool/session-manager.js';
import { expectNoLeakedSockets, tcpHandles } from './handles.js';

/** The client side of one test: a fresh manager, and every event it emitted so far. */
export interface ManagerPerTest {
  readonly manager: SessionManager;
  readonly events: SessionEvent[];
}

/**
 * Registers mocha hooks in the calling `describe`: before each test, notes the open TCP handles and
 * makes a fresh {@link SessionManager} recording its events; after each, closes the manager, runs
 * `teardown` (closing the test's servers), then fails the test if a socket leaked. Read `manager` and
 * `events` from the returned object inside the tests: both are replaced for every test.
 *
 * @example
 * ```ts
 * let server: FaultServer | undefined;
 * const client = managerPerTest(async () => {
 *   await server?.close();
 *   server = undefined;
 * });
 * it('echoes', async () => {
 *   server = await startFaultServer();
 *   await openTunnel(client.manager, server.address, server.dialSettings);
 * });
 * ```
 */
export function managerPerTest(teardown: () => Promise<void> | void = () => undefined): ManagerPerTest {
  let baseline = 0;
  let manager: SessionManager | undefined;
  let events: SessionEvent[] = [];
  beforeEach(() => {
    baseline = tcpHandles();
    const created = new SessionManager();
    manager = created;
    events = [];
    created.events.subscribe((event) => events.push(event));
  });
  afterEach(async () => {
    await manager?.close();
    await teardown();
    await expectNoLeakedSockets(baseline);
  });
  return {
    get manager() {
      if (manager === undefined) throw new Error('managerPerTest: the manager exists only inside a test');
      return manager;
    },
    get events() {
      return events;
    },
  };
}
