// The Explore slices' theory off the main thread (issue 16: 30–70 ms per cursor move on the main thread made a drag
// hitch). The messages and the pure handler (unit-tested here; slice-worker.ts only wires it to `self`).
import { sliceAlongLambda, sliceAlongSigma, type SliceData, type SliceNetwork } from './slices';

export type SliceKind = 'lambda' | 'sigma';

/** The λ slice at fixed σ_w², or the σ_w² slice at fixed λ, for one network. */
export interface SliceRequest {
  kind: SliceKind;
  fixed: number;
  net: SliceNetwork;
}

export type SliceAnswer =
  | { id: number; kind: SliceKind; ok: true; request: SliceRequest; data: SliceData }
  | { id: number; kind: SliceKind; ok: false; request: SliceRequest; error: string };

export function computeSlice(id: number, request: SliceRequest): SliceAnswer {
  try {
    const data =
      request.kind === 'lambda'
        ? sliceAlongLambda(request.fixed, request.net)
        : sliceAlongSigma(request.fixed, request.net);
    return { id, kind: request.kind, ok: true, request, data };
  } catch (err) {
    return { id, kind: request.kind, ok: false, request, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Which request to compute next: per kind only the newest waits (a drag replaces it), and the kinds take turns so
 * neither slice starves while the other keeps changing.
 */
export class SliceQueue {
  #waiting = new Map<SliceKind, SliceRequest>();
  #last: SliceKind = 'sigma';

  put(request: SliceRequest): void {
    this.#waiting.set(request.kind, request);
  }

  take(): SliceRequest | undefined {
    const order: SliceKind[] = this.#last === 'lambda' ? ['sigma', 'lambda'] : ['lambda', 'sigma'];
    for (const kind of order) {
      const r = this.#waiting.get(kind);
      if (r) {
        this.#waiting.delete(kind);
        this.#last = kind;
        return r;
      }
    }
    return undefined;
  }
}
