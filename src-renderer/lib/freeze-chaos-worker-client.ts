// Main-thread side of the freeze/chaos theory worker: latest request wins (answers to older ids are dropped), so a
// dragged β slider never queues stale views.
import type { FreezeChaosRequest, FreezeChaosView } from './freeze-chaos-view';

export type FreezeChaosWorkerAnswer =
  { id: number; ok: true; view: FreezeChaosView } | { id: number; ok: false; error: string };

export class FreezeChaosTheoryWorker {
  private readonly worker: Worker;
  private latest = 0;
  private busy = false;
  private queued: FreezeChaosRequest | null = null;

  constructor(private readonly onAnswer: (answer: FreezeChaosWorkerAnswer) => void) {
    this.worker = new Worker(new URL('./freeze-chaos-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<FreezeChaosWorkerAnswer>) => {
      this.busy = false;
      if (this.queued) {
        const next = this.queued;
        this.queued = null;
        this.post(next);
      }
      if (event.data.id === this.latest) this.onAnswer(event.data);
    };
    this.worker.onerror = (event) => {
      this.busy = false;
      this.onAnswer({ id: this.latest, ok: false, error: `theory worker failed: ${event.message}` });
    };
  }

  /** Ask for a view; while one is computing, only the newest request waits. */
  request(request: FreezeChaosRequest): void {
    if (this.busy) this.queued = request;
    else this.post(request);
  }

  private post(request: FreezeChaosRequest): void {
    this.busy = true;
    this.latest += 1;
    // $state proxies do not survive structured cloning: send a plain copy
    this.worker.postMessage({ id: this.latest, request: JSON.parse(JSON.stringify(request)) as FreezeChaosRequest });
  }

  dispose(): void {
    this.worker.terminate();
  }
}
