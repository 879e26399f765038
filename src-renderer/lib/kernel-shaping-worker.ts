// The Kernel-shaping tab's Web Worker: computeShaping takes 50 ms – 2 s (an untransformed chain whose q moves
// rebuilds its local maps at every layer), far beyond a 16 ms frame, so it runs here. One request at a time; the
// tab drops answers to requests it has superseded.
import { computeShaping, type ChainCurves, type ShapingInput } from './kernel-shaping-view';
import type { ShapingReply, ShapingRequest } from './kernel-shaping-client';

const cache = new Map<string, ChainCurves>();
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ShapingRequest>) => void) | null;
  postMessage(message: ShapingReply): void;
};

scope.onmessage = (e) => {
  const { id, input } = e.data;
  try {
    scope.postMessage({ id, ok: true, result: computeShaping(input as ShapingInput, cache) });
  } catch (err) {
    scope.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
