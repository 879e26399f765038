// What every runner of lab jobs here (measurements.ts, measured-layer.ts, preset-runner.ts) does around its
// MeasureHandles: read the lab's error codes, keep its debounce/retry timers, and stop everything at once.
import type { MeasureHandle } from './lab-api';

/** A LabClientError's code ('cancelled', 'busy', 'disconnected', …); undefined for anything without one. */
export function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Pending timers (debounces, retries) that a runner cancels together when it stops or starts over. */
export class Timers {
  #pending = new Map<ReturnType<typeof setTimeout>, (() => void) | undefined>();

  /** Run `fn` after `ms`, unless clear() comes first; then `dropped` runs instead (e.g. to release a kept slot). */
  later(ms: number, fn: () => void, dropped?: () => void): void {
    const t = setTimeout(() => {
      this.#pending.delete(t);
      fn();
    }, ms);
    this.#pending.set(t, dropped);
  }

  clear(): void {
    const all = [...this.#pending];
    this.#pending.clear();
    for (const [t, dropped] of all) {
      clearTimeout(t);
      dropped?.();
    }
  }
}

/**
 * Cancel every job tracked in `handles`, emptying it first: a job's rejection must find it no longer ours (runners
 * tell "cancelled by us" from "failed" by looking the handle up).
 */
export function cancelAll(handles: { values(): Iterable<MeasureHandle>; clear(): void }): void {
  const all = [...handles.values()];
  handles.clear();
  for (const h of all) h.cancel();
}
