import * as http from 'node:http';
import * as https from 'node:https';
import type { ReuseLimits } from '../../settings/xhttp-settings.js';
import type { SessionManager } from '../pool/session-manager.js';
import { limitSocketReuse } from './socket-reuse.js';

// Idle keep-alive sockets an agent keeps per server; Xray's client keeps a pool per connection too.
const MAX_FREE_SOCKETS = 16;

/** Keep-alive agents for HTTP/1.1 packet POSTs, one per server and TLS identity. */
class Http1Agents {
  private readonly agents = new Map<string, http.Agent>();

  /** The agent for `key` (a server, its TLS identity and `limits`), whose sockets are reused within `limits`. */
  agentFor(key: string, tls: boolean, limits: ReuseLimits | undefined): http.Agent {
    let agent = this.agents.get(key);
    if (agent === undefined) {
      const options = { keepAlive: true, maxFreeSockets: MAX_FREE_SOCKETS };
      agent = tls ? new https.Agent(options) : new http.Agent(options);
      limitSocketReuse(agent, limits);
      this.agents.set(key, agent);
    }
    return agent;
  }

  destroyAll(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

const byManager = new WeakMap<SessionManager, Http1Agents>();

/**
 * The keep-alive agents that go with `manager`: HTTP/1.1 packet POSTs reuse connections across the
 * tunnels dialed through one manager, as HTTP/2 requests share its sessions, and the agents' sockets
 * are destroyed when the manager closes (its events complete). Idle sockets do not keep the process alive.
 *
 * @example
 * ```ts
 * const agent = http1AgentsOf(manager).agentFor(key, true);
 * ```
 */
export function http1AgentsOf(manager: SessionManager): Http1Agents {
  let agents = byManager.get(manager);
  if (agents === undefined) {
    const created = new Http1Agents();
    agents = created;
    byManager.set(manager, created);
    manager.events.subscribe({ complete: () => created.destroyAll() });
  }
  return agents;
}
