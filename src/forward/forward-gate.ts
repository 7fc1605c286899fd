/** One session's forward connects: how many are in progress, and who waits for a turn. */
interface Lane {
  running: number;
  /** Tasks from index `head` on wait; a head index instead of shift(), which is linear on long arrays. */
  waiting: Task[];
  head: number;
  /** A release inside a task started by drain() must not start a second drain under the first. */
  draining: boolean;
}

type Task = (release: () => void) => void;

/**
 * Lets at most `limit` forward connects per session be in progress at once; later ones wait their turn
 * in arrival order. Go's fix for rapid reset bounds the work a client can start the same way: however
 * fast it opens and resets streams, the protected service sees at most `limit` connection attempts in
 * flight per session, and a tunnel reset while it waits is never connected at all.
 *
 * @example
 * ```ts
 * gate.run(connection.info.session, (release) => {
 *   if (connection.closed) return release();
 *   connect(target).once('connect', release).once('close', release);
 * });
 * ```
 */
export class ForwardGate {
  private readonly lanes = new Map<number | undefined, Lane>();

  constructor(private readonly limit: number) {}

  /** Runs `task` now or when a slot of `session` frees; `task` calls `release` (once is enough) when its connect is over. */
  run(session: number | undefined, task: Task): void {
    let lane = this.lanes.get(session);
    if (lane === undefined) this.lanes.set(session, (lane = { running: 0, waiting: [], head: 0, draining: false }));
    lane.waiting.push(task);
    this.drain(session, lane);
  }

  /** Connects in progress and waiting, over all sessions. */
  stats(): { readonly running: number; readonly waiting: number } {
    let running = 0;
    let waiting = 0;
    for (const lane of this.lanes.values()) {
      running += lane.running;
      waiting += lane.waiting.length - lane.head;
    }
    return { running, waiting };
  }

  private drain(session: number | undefined, lane: Lane): void {
    if (lane.draining) return;
    lane.draining = true;
    while (lane.running < this.limit && lane.head < lane.waiting.length) this.start(session, lane, lane.waiting[lane.head++] as Task);
    // Drop the started tasks (and the tunnels they hold) once they are most of the array.
    if (lane.head * 2 >= lane.waiting.length) {
      lane.waiting = lane.waiting.slice(lane.head);
      lane.head = 0;
    }
    lane.draining = false;
    if (lane.running === 0 && lane.waiting.length === 0) this.lanes.delete(session);
  }

  private start(session: number | undefined, lane: Lane, task: Task): void {
    lane.running++;
    let released = false;
    task(() => {
      if (released) return;
      released = true;
      lane.running--;
      this.drain(session, lane);
    });
  }
}
