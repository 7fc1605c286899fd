import type { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The directory `bench/timeline.ts` collects marks in; unset in a normal run, where recording is off. */
export const TIMELINE_DIR_ENV = 'H2T_BENCH_TIMELINE';

/** Marks moments of each tunnel in a fixture process, on the machine-wide monotonic clock. */
export interface Recorder {
  readonly enabled: boolean;
  mark(label: string): void;
  /**
   * Marks `label` when `emitter` first emits `event`. A `'data'` listener puts a stream in flowing
   * mode: use it only where a pipe is attached in the same tick, or bytes go to the mark alone.
   */
  markOnce(emitter: EventEmitter, event: string, label: string): void;
}

const OFF: Recorder = { enabled: false, mark: () => undefined, markOnce: () => undefined };

/**
 * The recorder of one fixture (`role` names its file): a no-op unless the timeline tool started
 * the process, so the measured fixtures carry no instrumentation. Marks are written at exit.
 *
 * @example
 * ```ts
 * const timeline = recorder('server');
 * timeline.markOnce(socket, 'connect', 's.target-connected');
 * ```
 */
export function recorder(role: string): Recorder {
  const dir = process.env[TIMELINE_DIR_ENV];
  if (dir === undefined || dir === '') return OFF;
  const lines: string[] = [];
  process.once('exit', () => writeFileSync(join(dir, `${role}.txt`), lines.join('\n')));
  const mark = (label: string) => void lines.push(`${process.hrtime.bigint()} ${label}`);
  return { enabled: true, mark, markOnce: (emitter, event, label) => void emitter.once(event, () => mark(label)) };
}
