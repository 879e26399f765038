// The "Freeze & chaos" tab's theory worker: computeFreezeChaosView off the main thread (the first view of a φ without
// closed forms builds its Chebyshev table, 0.3–1.6 s; later views take milliseconds). One request in, one answer out,
// tagged with the request's id so the tab keeps only the latest.
import { computeFreezeChaosView, type FreezeChaosRequest, type FreezeChaosWorkerAnswer } from './freeze-chaos-view';

self.onmessage = (event: MessageEvent<{ id: number; request: FreezeChaosRequest }>) => {
  const { id, request } = event.data;
  let answer: FreezeChaosWorkerAnswer;
  try {
    answer = { id, ok: true, view: computeFreezeChaosView(request, () => performance.now()) };
  } catch (err) {
    answer = { id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(answer);
};
