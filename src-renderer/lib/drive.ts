// Long theory computations written as generators (trainability-view.ts's theory columns, trainability-ntk.ts's NTK
// along depth) run a few milliseconds per macrotask so the page keeps answering input.
import { runFor } from './trainability-view';

/**
 * Drive `gen` `frameMs` at a time; `onStep` gets the latest partial value (final null) or the final value, with the
 * milliseconds spent so far; `onError` gets what the generator threw. Returns a stopper.
 */
export function drive<Y, T>(
  gen: Generator<Y, T>,
  frameMs: number,
  onStep: (partial: Y | null, final: T | null, millis: number) => void,
  onError: (err: unknown) => void,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let spent = 0;
  const step = () => {
    const t0 = performance.now();
    let r: ReturnType<typeof runFor<Y, T>>;
    try {
      r = runFor(gen, frameMs);
    } catch (err) {
      onError(err);
      return;
    }
    spent += performance.now() - t0;
    if (r.done) onStep(null, r.value, spent);
    else {
      onStep(r.last, null, spent);
      timer = setTimeout(step, 0);
    }
  };
  timer = setTimeout(step, 0);
  return () => clearTimeout(timer);
}
