// Starts the "Neural collapse" tab's Web Worker. Its own module, so that the worker's code (which imports the
// protocol) never contains a `new Worker` of itself; Vite bundles the worker from this URL.
import type { WorkerLike } from './collapse-worker-protocol';

export function createCollapseWorker(): WorkerLike {
  return new Worker(new URL('./collapse-worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike;
}
