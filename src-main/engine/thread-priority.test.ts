import { constants, getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { spawnWorker } from './spawn-worker';
import { setThreadPriority } from './thread-priority';

/** Runs setThreadPriority in a fresh worker thread; resolves with what it returned and the thread's nice after. */
function inWorker(priority: string): Promise<{ returned: number | null; nice: number }> {
  const w = spawnWorker(new URL('./thread-priority.fixture.ts', import.meta.url), { priority }, 'priority-test');
  return new Promise((resolve, reject) => {
    w.once('message', (m: { returned: number | null; nice: number }) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}

describe('setThreadPriority', () => {
  it.runIf(process.platform === 'linux')('renices the calling thread alone on Linux', async () => {
    const before = getPriority();
    const low = await inWorker('below-normal');
    expect(low).toEqual({ returned: constants.priority.PRIORITY_BELOW_NORMAL, nice: 10 });
    expect(await inWorker('normal')).toEqual({ returned: before, nice: before });
    expect(getPriority()).toBe(before); // this thread (and so the host) is untouched
  });

  it('does nothing where a nice value is per process, and names a bad priority', () => {
    const before = getPriority();
    expect(setThreadPriority('below-normal', 'darwin')).toBeNull();
    expect(setThreadPriority('below-normal', 'win32')).toBeNull();
    expect(getPriority()).toBe(before);
    expect(() => setThreadPriority('idle' as never)).toThrow(/priority must be one of normal, below-normal/);
  });
});
