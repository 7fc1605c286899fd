import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ConnectionResult } from '../connection/connection.js';

/** Which end of the tunnels a metric counts, as its `role` label. */
export type Role = 'client' | 'server';

/** A count read when Prometheus scrapes, so the tunnel path never touches the metric. */
export type Reading = () => number;

/** What a manager's or a server's `stats()` reports that the metrics read. */
export interface StatsReading {
  readonly tunnels: number;
  readonly sessions: number;
  readonly healthPings: number;
  readonly healthPingsFailed: number;
}

/** A reading and, for counters, what it read at the last scrape. */
interface Watched {
  readonly read: Reading;
  last: number;
}

// Opening a tunnel takes a round trip or two: from loopback (sub-millisecond) to a slow intercontinental link.
const OPEN_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The h2tunnel metrics of one registry, by Prometheus conventions: an `h2tunnel_` prefix, `_total`
 * counters, `_seconds` histograms, and labels of low cardinality only (`role`, `result` as an error code,
 * `reason`, `status`), never an address or a Host. One set per registry, shared by every client and
 * server registered on it.
 */
export class TunnelMetrics {
  readonly tunnelOpens: Counter<'role' | 'result'>;
  readonly tunnelsEnded: Counter<'role' | 'result'>;
  readonly openSeconds: Histogram<'role'>;
  readonly sessionsOpened: Counter<'role'>;
  readonly sessionsEvicted: Counter<'role' | 'reason'>;
  readonly rejections: Counter<'status' | 'reason'>;
  readonly tlsHandshakes: Counter<'role' | 'resumed'>;
  private readonly readings = {
    tunnelsOpen: new Map<Role, Watched[]>(),
    sessionsOpen: new Map<Role, Watched[]>(),
    pings: new Map<Role, Watched[]>(),
    pingsFailed: new Map<Role, Watched[]>(),
    bytesUp: new Map<Role, Watched[]>(),
    bytesDown: new Map<Role, Watched[]>(),
  };

  private constructor(registry: Registry) {
    const registers = [registry];
    this.tunnelOpens = new Counter({
      name: 'h2tunnel_tunnel_opens_total',
      help: 'Tunnels asked for, by result: ok, or the error code that stopped them (client: dials; server: forward connects).',
      labelNames: ['role', 'result'],
      registers,
    });
    this.tunnelsEnded = new Counter({
      name: 'h2tunnel_tunnels_ended_total',
      help: 'Open tunnels that ended, by result: ok (every byte carried), or the error code that cut them off.',
      labelNames: ['role', 'result'],
      registers,
    });
    this.openSeconds = new Histogram({
      name: 'h2tunnel_tunnel_open_seconds',
      help: "Time to open a tunnel: client, from the dial to the 200 (or to the hand-off with 0-RTT); server, from the request to the forward target's connect.",
      labelNames: ['role'],
      buckets: OPEN_BUCKETS,
      registers,
    });
    this.sessionsOpened = new Counter({ name: 'h2tunnel_sessions_opened_total', help: 'HTTP/2 sessions opened.', labelNames: ['role'], registers });
    this.sessionsEvicted = new Counter({
      name: 'h2tunnel_sessions_evicted_total',
      help: 'Client sessions taken out of the cache, by reason: goaway, health_check, idle, reuse_limit, shutdown, closed, error.',
      labelNames: ['role', 'reason'],
      registers,
    });
    this.rejections = new Counter({
      name: 'h2tunnel_server_rejections_total',
      help: 'Tunnel requests the server refused, by HTTP status and reason (host, path, header-size, no-handler, server-full).',
      labelNames: ['status', 'reason'],
      registers,
    });
    this.tlsHandshakes = new Counter({
      name: 'h2tunnel_tls_handshakes_total',
      help: 'TLS handshakes of new sessions, resumed from a ticket (true) or full (false).',
      labelNames: ['role', 'resumed'],
      registers,
    });
    const gauge = (name: string, help: string, readings: Map<Role, Watched[]>) =>
      new Gauge({ name, help, labelNames: ['role'], registers, collect: collectInto(readings) });
    const counter = (name: string, help: string, readings: Map<Role, Watched[]>) =>
      new Counter({ name, help, labelNames: ['role'], registers, collect: collectInto(readings) });
    gauge('h2tunnel_tunnels_open', 'Tunnels open now.', this.readings.tunnelsOpen);
    gauge('h2tunnel_sessions_open', 'HTTP/2 sessions open now.', this.readings.sessionsOpen);
    counter('h2tunnel_health_check_pings_total', 'Health-check PINGs sent after a read-idle period.', this.readings.pings);
    counter('h2tunnel_health_check_failures_total', 'Health-check PINGs that got no answer in time; each drops its session.', this.readings.pingsFailed);
    counter('h2tunnel_bytes_up_total', 'Tunnel payload bytes, client to server.', this.readings.bytesUp);
    counter('h2tunnel_bytes_down_total', 'Tunnel payload bytes, server to client.', this.readings.bytesDown);
  }

  private static readonly byRegistry = new WeakMap<Registry, TunnelMetrics>();

  /** The metrics of `registry`, created on first use. */
  static of(registry: Registry): TunnelMetrics {
    let metrics = TunnelMetrics.byRegistry.get(registry);
    if (metrics === undefined) TunnelMetrics.byRegistry.set(registry, (metrics = new TunnelMetrics(registry)));
    return metrics;
  }

  /** Adds the counts of one client or server, read at each scrape; returns what takes them out again. */
  watch(role: Role, source: Partial<Record<keyof TunnelMetrics['readings'], Reading>>): () => void {
    // Series that exist from the start at 0, so rate() and ratios work before the first event.
    this.tunnelOpens.inc({ role, result: 'ok' }, 0);
    this.tunnelsEnded.inc({ role, result: 'ok' }, 0);
    this.sessionsOpened.inc({ role }, 0);
    this.openSeconds.zero({ role });
    const added: [Watched[], Watched][] = [];
    for (const [name, read] of Object.entries(source) as [keyof TunnelMetrics['readings'], Reading][]) {
      const map = this.readings[name];
      const list = map.get(role) ?? [];
      map.set(role, list);
      const watched = { read, last: 0 };
      list.push(watched);
      added.push([list, watched]);
    }
    // A counter keeps what its source counted up to the last scrape; a gauge drops it.
    return () => added.forEach(([list, watched]) => list.splice(list.indexOf(watched), 1));
  }

  /**
   * Watches what a client manager's or a server's `stats()` counts (tunnels and sessions open,
   * health-check PINGs), and payload bytes when the caller counts them.
   */
  watchStats(role: Role, stats: () => StatsReading, bytes?: { readonly up: Reading; readonly down: Reading }): () => void {
    return this.watch(role, {
      tunnelsOpen: () => stats().tunnels,
      sessionsOpen: () => stats().sessions,
      pings: () => stats().healthPings,
      pingsFailed: () => stats().healthPingsFailed,
      ...(bytes === undefined ? {} : { bytesUp: bytes.up, bytesDown: bytes.down }),
    });
  }

  /** Counts how a tunnel ended. */
  ended(role: Role, result: ConnectionResult): void {
    this.tunnelsEnded.inc({ role, result: result._tag === 'Right' ? 'ok' : result.left.code });
  }
}

function collectInto(readings: Map<Role, Watched[]>): (this: Gauge<'role'> | Counter<'role'>) => void {
  return function collect() {
    for (const [role, list] of readings) {
      if (this instanceof Gauge) {
        this.set(
          { role },
          list.reduce((sum, watched) => sum + watched.read(), 0),
        );
        continue;
      }
      // A counter only ever increases: add what each source counted since the last scrape.
      let delta = 0;
      for (const watched of list) {
        const now = watched.read();
        if (now > watched.last) delta += now - watched.last;
        watched.last = Math.max(now, watched.last);
      }
      this.inc({ role }, delta);
    }
  };
}
