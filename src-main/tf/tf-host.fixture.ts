// Test fixture, not a task of the lab: tasks with chosen behaviour (cooperative, stuck, crashing, throwing) that
// tf-host.test.ts adds to the worker through TfHostOptions.taskModule.
import { getPriority } from 'node:os';
import { threadId } from 'node:worker_threads';
import type { TaskHandler } from './tasks';

export const tasks: Record<string, TaskHandler> = {
  /** The worker's thread id and a typed array, to check transfer and worker identity; its nice value. */
  async whoami(params) {
    const n = (params as { n?: number } | null)?.n ?? 4;
    return { threadId, nice: getPriority(), values: Float64Array.from({ length: n }, (_, i) => i * 0.5) };
  },
  /** `batches` batches, a checkpoint and a progress value between them. */
  async batches(params, ctx) {
    const { batches } = params as { batches: number };
    for (let i = 0; i < batches; i++) {
      await ctx.checkpoint();
      ctx.emit({ done: i + 1, total: batches });
    }
    return { batches };
  },
  /** Passes checkpoints (a progress value after each of the first 3) until one throws: only a cancel ends it. */
  async untilCancelled(_params, ctx) {
    for (let i = 0; ; i++) {
      await ctx.checkpoint();
      if (i < 3) ctx.emit({ done: i + 1 });
    }
  },
  /**
   * A batch that never returns to the event loop: busy for longer than the test waits, so only the host's kill
   * ends it within the test (bounded, so that a broken host cannot hang CI forever).
   */
  async stuck(_params, ctx) {
    ctx.emit({ started: true });
    await new Promise((r) => setImmediate(r)); // let the progress message out
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      /* busy */
    }
    return 'unreachable in the test';
  },
  /** An uncaught exception outside the task's promise: the worker thread dies. */
  async crash() {
    setImmediate(() => {
      throw new Error('simulated native abort in libtensorflow');
    });
    return new Promise(() => undefined);
  },
  /** A task that throws: fails the task, the worker stays up. */
  async throws() {
    throw new RangeError('bad parameter for the fixture');
  },
};
