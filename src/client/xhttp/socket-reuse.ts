import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ReuseLimits } from '../../settings/xhttp-settings.js';
import { timerDelay } from '../../settings/ranges.js';
import { drawQuota, spentFor, type SessionQuota } from '../pool/reuse-policy.js';

/** One keep-alive socket's quota, drawn when it connected, the requests it carried, and whether it waits idle in the agent. */
interface SocketUse {
  readonly quota: SessionQuota;
  readonly use: { tunnels: number; requests: number; running: number };
  idle: boolean;
}

/**
 * Applies to a keep-alive agent the reuse limits that mean something for an HTTP/1.1 connection: a
 * socket is not kept for another request once it carried `maxRequestTimes` requests or `maxReusableMs`
 * passed since it connected (each drawn per socket, as Xray draws them per connection). The limits that
 * count tunnels on a connection (`maxConcurrency`, `maxConnections`, `maxReuseTimes`) have nothing to
 * count over HTTP/1.1: a tunnel's download and stream upload each have a connection of their own, and
 * its packets go on whichever keep-alive socket is free.
 *
 * @example
 * ```ts
 * const agent = new http.Agent({ keepAlive: true });
 * limitSocketReuse(agent, { spread: { kind: 'unlimited' }, maxReuseTimes: undefined, maxRequestTimes: { from: 600, to: 900 }, maxReusableMs: undefined });
 * ```
 */
export function limitSocketReuse(agent: http.Agent, limits: ReuseLimits | undefined): void {
  if (limits === undefined || (limits.maxRequestTimes === undefined && limits.maxReusableMs === undefined)) return;
  const sockets = new WeakMap<Duplex, SocketUse>();
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    // Node's agent takes the socket returned (and ignores the callback's later call), as net and tls return one.
    const socket = create(options, callback);
    if (socket === null || socket === undefined) return socket;
    const entry: SocketUse = { quota: drawQuota(limits, Date.now()), use: { tunnels: 0, requests: 0, running: 0 }, idle: false };
    sockets.set(socket, entry);
    const { unreusableAt } = entry.quota;
    if (unreusableAt !== undefined) {
      // Aged while idle in the agent: gone before a request picks it (the agent drops a closed free socket).
      // Aged while busy: not kept after its request (below).
      const timer = setTimeout(() => entry.idle && socket.destroy(), timerDelay(unreusableAt - Date.now()));
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    }
    return socket;
  };
  const keep = agent.keepSocketAlive.bind(agent);
  // Called as each request on a socket completes; false has the agent destroy the socket instead of keeping it.
  agent.keepSocketAlive = (socket) => {
    const entry = sockets.get(socket);
    if (entry === undefined) return keep(socket);
    entry.use.requests++;
    if (spentFor('request', entry.quota, entry.use, Date.now()) !== undefined) return false;
    entry.idle = true;
    return keep(socket);
  };
  const reuse = agent.reuseSocket.bind(agent);
  agent.reuseSocket = (socket, request) => {
    const entry = sockets.get(socket);
    if (entry !== undefined) entry.idle = false;
    reuse(socket, request);
  };
}
