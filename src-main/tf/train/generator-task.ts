// A training run written as an async generator of records (train-dynamics.ts, dks-train.ts, collapse-train.ts) run as
// a task of the TF worker (tasks.ts): every yielded record is emitted, and the generator's return value is the task's
// result. A cancel seen at a checkpoint ends the run like cancelled(): the records so far stand.

/** What a run checks between its steps. */
export interface RunHooks {
  /** Checked before every step; the run stops (stoppedEarly) when it returns true. */
  cancelled?: () => boolean;
  /** Awaited between steps (the TF worker's checkpoint: yields, waits while paused, throws when cancelled). */
  checkpoint?: () => Promise<void>;
}

/** The part of the TF worker's TaskContext a run uses. */
export interface RunTaskContext {
  emit(record: unknown): void;
  cancelled(): boolean;
  checkpoint?: () => Promise<void>;
}

/** Run `start(hooks)` to its end, emitting each record; its return value is the result. */
export async function runGeneratorTask<R>(
  ctx: RunTaskContext,
  start: (hooks: RunHooks) => AsyncGenerator<unknown, R>,
): Promise<R> {
  const checkpoint = ctx.checkpoint;
  const run = start({
    cancelled: () => ctx.cancelled(),
    checkpoint:
      checkpoint && (() => checkpoint().catch((err: unknown) => (ctx.cancelled() ? undefined : Promise.reject(err)))),
  });
  for (;;) {
    const next = await run.next();
    if (next.done) return next.value;
    ctx.emit(next.value);
  }
}
