// The Explore slices' theory worker: one request in, one answer out (slice-worker-protocol.ts).
import { computeSlice, type SliceRequest } from './slice-worker-protocol';

self.onmessage = (event: MessageEvent<{ id: number; request: SliceRequest }>) => {
  self.postMessage(computeSlice(event.data.id, event.data.request));
};
