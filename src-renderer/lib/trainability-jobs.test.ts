import { describe, expect, it } from 'vitest';
import { parseTrainabilityParams, type CellRecord } from '../../src-shared/contract/trainability';
import { scriptedLab } from './fake-lab.test-util';
import { PLANE_CSV_HEADER, planeRows } from './trainability-export';
import {
  SweepSession,
  cellCost,
  parseSpectrumOutput,
  parseTrainabilityOutput,
  sweepEta,
  type SweepView,
} from './trainability-jobs';
import { cell, columns } from './trainability.test-util';

describe('exports and wire outputs', () => {
  it('plane rows: one theory row per computed column, one per cell, all the header wide', () => {
    const cols = columns('relu', 0, 20);
    const rows = planeRows(cols, 6, [cell(1, 5)], 128);
    expect(rows.length).toBe(21);
    for (const r of rows) expect(r.length).toBe(PLANE_CSV_HEADER.length);
    const ordered = rows.find((r) => r[0] === 'theory' && r[4] === 'ordered')!;
    expect(ordered[7]).toBeCloseTo(6 * (-1 / Math.log((ordered[1] as number) / 2)), 9);
    const none = rows.find((r) => r[0] === 'theory' && r[4] === 'none')!;
    expect(none[6]).toBeNull();
    expect(rows[20].slice(0, 3)).toEqual(['cell', 1, 5]);
  });

  it('parses trainability and ntk-spectrum outputs, rejecting malformed ones', () => {
    const ok = parseTrainabilityOutput({
      kind: 'trainability',
      backend: 'wasm',
      progress: { cell: cell(1, 2), done: 1, total: 4 },
    });
    expect(ok?.progress?.cell.depth).toBe(2);
    expect(
      parseTrainabilityOutput({
        kind: 'trainability',
        backend: 'wasm',
        progress: { cell: { sigmaW2: 1 }, done: 1, total: 4 },
      }),
    ).toBeNull();
    expect(parseTrainabilityOutput({ kind: 'measure' })).toBeNull();
    const e = { estimate: 1, stderr: 0.1 };
    expect(
      parseSpectrumOutput({ kind: 'ntk-spectrum', point: { depth: 3, lambdaMax: e, bulk: e, kappa: e, samples: 8 } }),
    ).toHaveLength(1);
    expect(
      parseSpectrumOutput({ kind: 'ntk-spectrum', points: [{ depth: 3, lambdaMax: e, bulk: 1, kappa: e }] }),
    ).toBeNull();
  });
});

describe('sweep session', () => {
  const params = parseTrainabilityParams({
    grid: { sigmaW2: { values: [1, 3] }, depth: { values: [2, 10] } },
    dataset: 'synthetic',
    width: 16,
    steps: 5,
  });

  it('ETA scales the finished cells’ seconds by the remaining cells’ parameter counts', () => {
    const n0 = 32;
    const done = [cell(1, 2, { seconds: 4 })];
    const eta = sweepEta(params, done)!;
    const perCost = 4 / cellCost(2, 16, n0);
    expect(eta).toBeCloseTo(perCost * (cellCost(10, 16, n0) * 2 + cellCost(2, 16, n0)), 9);
    expect(sweepEta(params, [])).toBeNull();
  });

  it('start → cells stream in → pause cancels → resume restarts the same params and keeps the cells → complete', async () => {
    const s = scriptedLab();
    const views: SweepView[] = [];
    const session = new SweepSession(s.lab, (v) => views.push(v));
    session.start(params);
    expect(s.specJobs).toHaveLength(1);
    expect((s.specJobs[0].spec as unknown as { kind: string }).kind).toBe('trainability');
    expect(session.view).toMatchObject({ status: 'running', done: 0, total: 4 });
    const out = (c: CellRecord, done: number) => ({
      kind: 'trainability',
      backend: 'wasm',
      progress: { cell: c, done, total: 4 },
    });
    s.specJobs[0].progress(out(cell(1, 2), 1) as never);
    expect(session.view).toMatchObject({ status: 'running', done: 1, total: 4, backend: 'wasm' });
    expect(session.view.etaSeconds).toBeGreaterThan(0);

    session.pause();
    expect(s.specJobs[0].cancelled).toBe(true);
    expect(session.view.status).toBe('paused');
    expect(session.view.cells).toHaveLength(1);

    session.resume();
    expect(s.specJobs).toHaveLength(2);
    expect(JSON.stringify(s.specJobs[1].spec)).toBe(JSON.stringify(s.specJobs[0].spec));
    // the service re-emits the stored cell first: no duplicate
    s.specJobs[1].progress(out(cell(1, 2), 1) as never);
    s.specJobs[1].progress(out(cell(3, 2), 2) as never);
    expect(session.view.cells).toHaveLength(2);
    s.specJobs[1].resolve({
      kind: 'trainability',
      backend: 'wasm',
      summary: { total: 4, done: 4, resumed: 1, trained: 3, diverged: 0, status: 'complete', dir: '/x', seconds: 9 },
    } as never);
    await s.specJobs[1].spec; // let the promise callbacks run
    await Promise.resolve();
    expect(session.view.status).toBe('complete');
    expect(session.view.summary?.resumed).toBe(1);
    expect(views.every((v, k) => k === 0 || v.version > views[k - 1].version)).toBe(true);
  });

  it('a lab that refuses the job kind ends in an error with its message; new params clear the cells', async () => {
    const s = scriptedLab();
    const session = new SweepSession(s.lab, () => {});
    session.start(params);
    s.specJobs[0].progress({
      kind: 'trainability',
      backend: 'cpu',
      progress: { cell: cell(1, 2), done: 1, total: 4 },
    } as never);
    s.specJobs[0].fail('bad-request', 'unknown job kind "trainability"');
    await Promise.resolve();
    await Promise.resolve();
    expect(session.view.status).toBe('error');
    expect(session.view.error).toMatch(/unknown job kind/);
    expect(session.view.cells).toHaveLength(1);
    session.start({ ...params, seed: 7 });
    expect(session.view.cells).toHaveLength(0);
    session.cancel();
    expect(s.specJobs[1].cancelled).toBe(true);
    expect(session.view.status).toBe('cancelled');
  });
});
