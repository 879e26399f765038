// The Fig. 2 eigenvector worker: computeFig2 off the main thread (two 1936 × 1936 infinite-width Gram matrices per
// nonlinearity and their top eigenpairs take seconds). One request in, one answer out, tagged with its id.
import { computeFig2, type Fig2Request, type Fig2View } from './freeze-chaos-fig2';

export type Fig2WorkerAnswer = { id: number; ok: true; view: Fig2View } | { id: number; ok: false; error: string };

self.onmessage = (event: MessageEvent<{ id: number; request: Fig2Request }>) => {
  const { id, request } = event.data;
  let answer: Fig2WorkerAnswer;
  try {
    answer = { id, ok: true, view: computeFig2(request, () => performance.now()) };
  } catch (err) {
    answer = { id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(answer);
};
