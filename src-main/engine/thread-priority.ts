// Compute threads that serve an interactive lab yield the CPU to it (issue 16: drag frames). On a machine with few
// cores the sampler and TF workers otherwise take the cores from the renderer, its compositor and its concurrent
// garbage collector while the user drags, and the main thread then does that GC work itself, inside a frame.
import { constants, getPriority, setPriority } from 'node:os';

/** 'below-normal': nice 10 (os.constants.priority.PRIORITY_BELOW_NORMAL); 'normal' leaves the thread as started. */
export type ThreadPriority = 'normal' | 'below-normal';

export const THREAD_PRIORITIES: readonly ThreadPriority[] = ['normal', 'below-normal'];

/** `priority` if it is a ThreadPriority, else a RangeError naming `priority` and the allowed values. */
export function checkThreadPriority(priority: unknown): ThreadPriority {
  if (!THREAD_PRIORITIES.includes(priority as ThreadPriority))
    throw new RangeError(`priority must be one of ${THREAD_PRIORITIES.join(', ')} (got ${String(priority)})`);
  return priority as ThreadPriority;
}

/**
 * Sets the calling thread's priority and returns its nice value afterwards; null where that cannot be done for one
 * thread. Linux keeps a nice value per thread (setpriority(2), NOTES), so a worker thread renices itself alone;
 * elsewhere Node can renice only the whole process, which would slow the host too, so nothing changes there.
 */
export function setThreadPriority(priority: ThreadPriority, platform: string = process.platform): number | null {
  checkThreadPriority(priority);
  if (platform !== 'linux') return null;
  try {
    if (priority === 'below-normal') setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
    return getPriority();
  } catch {
    // refused (e.g. a sandbox without the right): the thread runs at the priority it has
    return null;
  }
}
