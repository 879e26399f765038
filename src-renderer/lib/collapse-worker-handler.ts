// What the "Neural collapse" tab's Web Worker does with one request: integrate the collapse flow or compute the
// NTK-regime generalization curves. Pure apart from the clock, so it is unit-tested without a Worker.
import { collapseSimParamsSchema } from '../../src-shared/contract/collapse-sim';
import { simulateCollapseParsed } from '../../src-shared/theory/collapse/simulate';
import type { WorkerRequest, WorkerResponse } from './collapse-worker-protocol';
import { computeGeneralization } from './ntk-generalization-view';

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function handleWorkerRequest(req: WorkerRequest): WorkerResponse {
  const t0 = now();
  try {
    if (req.job.kind === 'collapse') {
      // the panel validated these already; parsing again keeps the worker honest about what it integrates
      const parsed = collapseSimParamsSchema.safeParse(req.job.params);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new RangeError(`${issue.path.join('.') || 'params'}: ${issue.message}`);
      }
      const result = simulateCollapseParsed(parsed.data);
      return { id: req.id, ok: true, result, millis: now() - t0 };
    }
    const result = computeGeneralization(req.job.params);
    return { id: req.id, ok: true, result, millis: now() - t0 };
  } catch (err) {
    return { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
