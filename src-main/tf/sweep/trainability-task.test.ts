// The sweep as a task of the TF worker (off-thread): progress per cell, cancel keeps finished cells, rerun resumes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  parseTrainabilityParams,
  type TrainabilityProgress,
  type TrainabilitySummary,
} from '../../../src-shared/contract/trainability';
import { TfHost } from '../tf-host';
import { SweepStore } from './store';

const host = new TfHost({
  backend: 'wasm',
  taskModule: new URL('./trainability-task.fixture.ts', import.meta.url),
  cancelGraceMs: 5000,
});
afterAll(() => host.close());

// resolved as the trainability job kind's check does before the task runs
const sweep = parseTrainabilityParams({
  dataset: 'synthetic',
  width: 8,
  steps: 15,
  batchSize: 16,
  trainSize: 128,
  testSize: 64,
  grid: { sigmaW2: { values: [1, 3] }, depth: { values: [2, 3] } },
});

describe('trainability task', () => {
  it('runs in the worker; a cancel after the first cell keeps it and a rerun finishes the rest', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ntk-task-sweep-')), 's');
    const ctl = new AbortController();
    const seen: TrainabilityProgress[] = [];
    const first = host.run(
      'trainability',
      { dir, sweep },
      { signal: ctl.signal, onProgress: (p) => (seen.push(p as TrainabilityProgress), ctl.abort()) },
    );
    // the host reports a cancelled run as cancelled (or the task resolves with status 'cancelled' if it finished first)
    const outcome = await first.then(
      (r) => (r as TrainabilitySummary).status,
      (e: { code?: string }) => e.code,
    );
    expect(outcome).toBe('cancelled');
    const kept = SweepStore.open(dir, sweep).cells();
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(4);
    expect(kept[0]).toEqual(seen[0].cell);
    const progress: TrainabilityProgress[] = [];
    const done = (await host.run(
      'trainability',
      { dir, sweep },
      { onProgress: (p) => progress.push(p as TrainabilityProgress) },
    )) as TrainabilitySummary;
    expect(done).toMatchObject({
      status: 'complete',
      done: 4,
      total: 4,
      resumed: kept.length,
      trained: 4 - kept.length,
    });
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: 4 - kept.length }, (_, k) => kept.length + k + 1));
  });
});
