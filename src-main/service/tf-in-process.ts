// TensorFlow.js tasks in this thread (LabServiceOptions.tfInProcess: the CLI). The same task table and task context
// as the worker (tf/tasks.ts, tf/tf-worker.ts), with cancel and pause read from the caller's signal and PauseControl
// directly, so a Ctrl-C is seen at the task's next step. TensorFlow.js is imported on first use only.
import type { BackendChoice, BackendInfo } from '../tf/backend';
import { TfTaskError, type TfRunOptions } from '../tf/tf-host';

export class InProcessTf {
  private ready: Promise<BackendInfo> | undefined;

  constructor(private readonly prefer: BackendChoice = 'auto') {}

  backend(): Promise<BackendInfo> {
    this.ready ??= import('../tf/backend').then((b) => b.ensureBackend(this.prefer));
    return this.ready;
  }

  async run<R>(task: string, params: unknown, opts: TfRunOptions = {}): Promise<R> {
    const backend = await this.backend();
    const { TASKS, TaskCancelledError } = await import('../tf/tasks');
    const handler = (TASKS as Record<string, (params: unknown, ctx: import('../tf/tasks').TaskContext) => unknown>)[
      task
    ];
    if (!handler) throw new TfTaskError('failed', `unknown task ${JSON.stringify(task)}`);
    const { signal, pause } = opts;
    const cancelled = (): boolean => signal?.aborted === true;
    try {
      return (await handler(params, {
        backend,
        emit: (progress) => opts.onProgress?.(progress),
        cancelled,
        async checkpoint() {
          await new Promise<void>((resolve) => setImmediate(resolve));
          // a paused task waits for the switch (or a cancel) rather than polling
          while (pause?.paused && !cancelled()) {
            await new Promise<void>((resolve) => {
              const off = pause.onChange(() => done());
              const done = (): void => {
                off();
                signal?.removeEventListener('abort', done);
                resolve();
              };
              signal?.addEventListener('abort', done, { once: true });
            });
          }
          if (cancelled()) throw new TaskCancelledError();
        },
      })) as R;
    } catch (err) {
      if (err instanceof TaskCancelledError || cancelled()) throw new TfTaskError('cancelled', 'cancelled');
      throw new TfTaskError('failed', err instanceof Error ? err.message : String(err));
    }
  }

  async close(): Promise<void> {
    // nothing runs in the background: a task in progress belongs to its caller's await
  }
}
