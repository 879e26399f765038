// Main-thread side of the slices' theory worker. One request computes at a time; meanwhile only the newest of each
// kind waits (SliceQueue). Every answer newer than the last one shown for its kind is shown, so during a drag the
// slices follow at the worker's pace instead of waiting for the cursor to rest.
import { SliceQueue, type SliceAnswer, type SliceKind, type SliceRequest } from './slice-worker-protocol';

export class SliceTheoryWorker {
  private readonly worker: Worker;
  private readonly queue = new SliceQueue();
  private nextId = 0;
  private busy = false;
  private readonly shown: Record<SliceKind, number> = { lambda: 0, sigma: 0 };

  constructor(private readonly onAnswer: (answer: SliceAnswer) => void) {
    this.worker = new Worker(new URL('./slice-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<SliceAnswer>) => {
      this.busy = false;
      this.pump();
      const a = event.data;
      if (a.id > this.shown[a.kind]) {
        this.shown[a.kind] = a.id;
        this.onAnswer(a);
      }
    };
    this.worker.onerror = (event) => {
      this.busy = false;
      for (const kind of ['lambda', 'sigma'] as const)
        this.onAnswer({
          id: ++this.nextId,
          kind,
          ok: false,
          request: { kind, fixed: NaN, net: { width: NaN, alpha0: NaN } },
          error: `slice theory worker failed: ${event.message}`,
        });
    };
  }

  request(request: SliceRequest): void {
    // $state proxies do not survive structured cloning: a plain copy
    this.queue.put({ kind: request.kind, fixed: request.fixed, net: { ...request.net } });
    this.pump();
  }

  private pump(): void {
    if (this.busy) return;
    const next = this.queue.take();
    if (!next) return;
    this.busy = true;
    this.worker.postMessage({ id: ++this.nextId, request: next });
  }

  dispose(): void {
    this.worker.terminate();
  }
}
