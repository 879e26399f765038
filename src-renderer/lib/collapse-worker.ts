// The "Neural collapse" tab's Web Worker: one request in, one response out (collapse-worker-handler.ts).
import './zod-jitless'; // first: the contract's schemas are built on import (CSP forbids zod's eval probe)
import { handleWorkerRequest } from './collapse-worker-handler';
import type { WorkerRequest } from './collapse-worker-protocol';

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  self.postMessage(handleWorkerRequest(e.data));
};
