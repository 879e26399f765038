import { describe, expect, it } from 'vitest';
import type { CollapseSimParams, CollapseSimResult } from '../../src-shared/contract/collapse-sim';
import { simulateCollapse } from '../../src-shared/theory/collapse/simulate';
import {
  DEFAULT_COLLAPSE_PARAMS,
  collapseCsv,
  collapseFieldError,
  collapseFileName,
  collapseJson,
  collapseReadout,
  metricSeries,
  residualSeries,
  sameCollapseParams,
  theorem52Note,
  withCollapseField,
} from './collapse-view';
import { handleWorkerRequest } from './collapse-worker-handler';

// a small aligned run (the default's κ, fewer samples and a shorter horizon) keeps the test well under a second
const SMALL: CollapseSimParams = { ...DEFAULT_COLLAPSE_PARAMS, classes: 3, perClass: 3, features: 4, tMax: 40 };

function run(p: CollapseSimParams): CollapseSimResult {
  const r = handleWorkerRequest({ id: 7, job: { kind: 'collapse', params: p } });
  expect(r.id).toBe(7);
  if (!r.ok) throw new Error(r.error);
  return r.result as CollapseSimResult;
}

describe('collapse fields', () => {
  it('the default is valid and is the thesis setting C = 4, m = 6, n = 8, κ = (1, 0.6, 0.1), aligned', () => {
    const p = DEFAULT_COLLAPSE_PARAMS;
    expect([p.classes, p.perClass, p.features, p.kappaD, p.kappaC, p.kappaN, p.init]).toEqual([
      4,
      6,
      8,
      1,
      0.6,
      0.1,
      'aligned',
    ]);
    expect(collapseFieldError(p, 'kappaD', p.kappaD)).toBeNull();
  });

  it('κ_c < κ_n is refused with the schema message naming κ_c, and the state keeps its last valid value', () => {
    const p = DEFAULT_COLLAPSE_PARAMS;
    const msg = collapseFieldError(p, 'kappaC', 0.05);
    expect(msg).toMatch(/^κ_c \(0\.05\) must be ≥ κ_n \(0\.1\)/);
    expect(withCollapseField(p, 'kappaC', 0.05)).toBe(p);
    // raising κ_n above κ_c is the same violation, reported from the κ_n field
    expect(collapseFieldError(p, 'kappaN', 0.7)).toMatch(/κ_c \(0\.6\) must be ≥ κ_n \(0\.7\)/);
  });

  it('names the field in every other refusal', () => {
    const p = DEFAULT_COLLAPSE_PARAMS;
    expect(collapseFieldError(p, 'kappaD', 0.5)).toMatch(/^κ_d \(0\.5\) must exceed κ_c/);
    expect(collapseFieldError(p, 'perClass', 1)).toBe('m must be ≥ 2');
    expect(collapseFieldError(p, 'features', 4)).toMatch(/^n \(4\) must exceed the number of classes C \(4\)/);
    expect(collapseFieldError(p, 'classes', 2.5)).toBe('C: must be an integer');
    expect(collapseFieldError(p, 'tMax', 0)).toBe('t_max: must be > 0');
    expect(collapseFieldError(p, 'kappaN', -0.1)).toMatch(/^κ_n must be ≥ 0/);
    expect(collapseFieldError(p, 'seed', -1)).toMatch(/^seed: /);
  });

  it('a valid change makes a new object with only that field changed', () => {
    const p = DEFAULT_COLLAPSE_PARAMS;
    const q = withCollapseField(p, 'kappaC', 0.5);
    expect(q).not.toBe(p);
    expect(q.kappaC).toBe(0.5);
    expect(sameCollapseParams(p, { ...q, kappaC: 0.6 })).toBe(true);
    expect(sameCollapseParams(p, q)).toBe(false);
  });
});

describe('collapse run through the worker handler', () => {
  it('gives what simulateCollapse gives, and the aligned start conserves E = 0 and collapses (Theorem 5.2)', () => {
    const r = run(SMALL);
    const direct = simulateCollapse(SMALL);
    expect(r.final).toEqual(direct.final);
    expect(r.invariantNorm0).toBeLessThan(1e-12);
    expect(r.final.invariantDrift).toBeLessThan(1e-8);
    expect(r.final.nc2).toBeLessThan(r.trace[1].nc2);
  });

  it('refuses invalid parameters with the field named, without throwing', () => {
    const r = handleWorkerRequest({ id: 1, job: { kind: 'collapse', params: { ...SMALL, kappaC: 0.01 } } });
    expect(r).toEqual({ id: 1, ok: false, error: expect.stringMatching(/^kappaC: κ_c \(0\.01\) must be ≥ κ_n/) });
  });

  it('plots the trace without t = 0 on the log axis, exports all of it, labels the rates with Table 1', () => {
    const r = run(SMALL);
    const m = metricSeries(r);
    expect(m.map((s) => s.key)).toEqual(['invariantDrift', 'nc1', 'nc2', 'nc3', 'h2Norm']);
    expect(m[2].points.length).toBe(r.trace.length - 1);
    expect(m[2].points[0]).toEqual({ x: r.trace[1].t, y: r.trace[1].nc2 });
    const res = residualSeries(r);
    // μ_single = κ_d − κ_c, μ_class = μ_single + m(κ_c − κ_n), μ_global = μ_class + Nκ_n (Table 1)
    expect(res.map((s) => s.label)).toEqual([
      'global (μ_global = 2.8)',
      'class (μ_class = 1.9)',
      'single (μ_single = 0.4)',
    ]);
    expect(res[0].points.at(-1)).toEqual({ x: r.final.t, y: r.final.residual.global });
    const rows = collapseCsv('collapse-metrics', r).trimEnd().split('\n');
    expect(rows[0]).toBe('t,invariantDrift,nc1,nc2,nc3,h2Norm');
    expect(rows.length).toBe(r.trace.length + 1);
    const lastRow = rows[rows.length - 1].split(',').map(Number);
    expect(lastRow).toEqual([r.final.t, r.final.invariantDrift, r.final.nc1, r.final.nc2, r.final.nc3, r.final.h2Norm]);
    const resRows = collapseCsv('collapse-residual', r).trimEnd().split('\n');
    expect(resRows[0]).toBe('t,residualGlobal,residualClass,residualSingle,loss');
    const json = JSON.parse(collapseJson('collapse-residual', r, '9.9.9'));
    expect(json.params).toMatchObject({ classes: 3, perClass: 3, features: 4, init: 'aligned', tMax: 40 });
    expect(json.eigenvalues).toEqual(r.eigenvalues);
    expect(collapseFileName('collapse-metrics', SMALL, 'csv')).toBe(
      'ntk-collapse-metrics-aligned-C3-m3-n4-k1-0.6-0.1-s1.csv',
    );
  });

  it('reads out α, ‖E(0)‖, the final metrics and the integrator work', () => {
    const r = run(SMALL);
    const rows = Object.fromEntries(collapseReadout(r).map((x) => [x.key, x.value]));
    // α = κ_n m / (μ_class + C κ_n m), eq. (26)
    expect(rows.alpha).toBeCloseTo((0.1 * 3) / (1.9 + 3 * 0.1 * 3), 12);
    expect(rows.nc2).toBe(r.final.nc2);
    expect(rows.drift).toBe(r.final.invariantDrift);
    expect(rows.steps).toBe(r.integrator.steps);
    expect(rows.steps).toBeGreaterThan(0);
    expect(theorem52Note('aligned')).toMatch(/Theorem 5\.2 applies/);
    expect(theorem52Note('random')).toMatch(/does not apply/);
  });
});
