// The tab's side of the Kernel-shaping worker: latest request wins. Where Workers are unavailable the computation
// runs in place (same function, same answers), so the tab still works, only less smoothly.
import { computeShaping, type ChainCurves, type ShapingInput, type ShapingResult } from './kernel-shaping-view';

export interface ShapingRequest {
  id: number;
  input: ShapingInput;
}

export type ShapingReply = { id: number; ok: true; result: ShapingResult } | { id: number; ok: false; error: string };

/** A structured-clone-safe copy (the tab's state may be a reactive proxy). */
function plain(p: ShapingInput): ShapingInput {
  return { ...p, userTransform: p.userTransform ? { ...p.userTransform } : null };
}

export class ShapingClient {
  private worker: Worker | null = null;
  private next = 1;
  private latest = 0;
  private latestInput: ShapingInput | null = null;
  private readonly cache = new Map<string, ChainCurves>();

  constructor(private readonly onReply: (reply: ShapingReply) => void) {
    try {
      this.worker = new Worker(new URL('./kernel-shaping-worker.ts', import.meta.url), { type: 'module' });
      this.worker.onmessage = (e: MessageEvent<ShapingReply>) => {
        if (e.data.id === this.latest) this.onReply(e.data);
      };
      this.worker.onerror = (e) => {
        // the worker failed to load or crashed: run the latest request in place from now on
        e.preventDefault();
        this.worker?.terminate();
        this.worker = null;
        if (this.latestInput) this.request(this.latestInput);
      };
    } catch {
      this.worker = null;
    }
  }

  /** Compute for `input`; an earlier request still running is superseded (its answer dropped). */
  request(input: ShapingInput): number {
    const id = this.next++;
    this.latest = id;
    this.latestInput = input;
    if (this.worker) {
      this.worker.postMessage({ id, input: plain(input) } satisfies ShapingRequest);
    } else {
      setTimeout(() => {
        if (id !== this.latest) return;
        try {
          this.onReply({ id, ok: true, result: computeShaping(input, this.cache) });
        } catch (err) {
          this.onReply({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
        }
      }, 0);
    }
    return id;
  }

  /** Whether requests run in the Web Worker (false after a failure to start it: then in place). */
  get inWorker(): boolean {
    return this.worker !== null;
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
