// Test fixture (thread-priority.test.ts): a worker thread that sets its priority and reports the result.
import { getPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { setThreadPriority, type ThreadPriority } from './thread-priority';

const returned = setThreadPriority((workerData as { priority: ThreadPriority }).priority);
parentPort?.postMessage({ returned, nice: getPriority() });
