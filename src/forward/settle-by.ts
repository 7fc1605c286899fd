import { timerDelay } from '../settings/ranges.js';

/**
 * Resolves when every promise in `pending` has settled or `deadline` (epoch ms) has passed, whichever is
 * first: the last phase of a drain, for the bytes still on their way to local sockets.
 */
export async function settleBy(pending: Iterable<Promise<unknown>>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timerDelay(deadline - Date.now()))));
  const settled = Promise.allSettled([...pending]).then(() => true);
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
