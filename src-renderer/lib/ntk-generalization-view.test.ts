import { describe, expect, it } from 'vitest';
import { ntkGeneralization } from '../../src-shared/theory/ntk-generalization';
import { handleWorkerRequest } from './collapse-worker-handler';
import {
  COVARIANCES,
  conditionSeries,
  generalizationCsv,
  generalizationFileName,
  generalizationJson,
  kappa2Series,
  phasePresets,
  ratioSeries,
  varianceSeries,
  type GeneralizationRequest,
  type GeneralizationResult,
} from './ntk-generalization-view';

const EOC_RELU: GeneralizationRequest = {
  activation: 'relu',
  sigmaW2: 2,
  sigmaB2: 0,
  depth: 12,
  inputCovariance: 0.5,
  samples: 100,
};

function compute(req: GeneralizationRequest): GeneralizationResult {
  const r = handleWorkerRequest({ id: 3, job: { kind: 'generalization', params: req } });
  if (!r.ok) throw new Error(r.error);
  return r.result as GeneralizationResult;
}

describe('NTK-regime generalization curves', () => {
  it('ReLU at σ_w² = 2, σ_b² = 0: q̂ = 1 and χ₁ = 1 in every layer, so κ₁ = L/(L − 1) (Lemma 2, α₀ = 1)', () => {
    const r = compute(EOC_RELU);
    expect(r.curves.map((c) => c.covariance)).toEqual([...COVARIANCES]);
    expect(r.chosen.map((p) => p.depth)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const p of r.chosen) expect(p.kappa1).toBeCloseTo(p.depth / (p.depth - 1), 12);
  });

  it('identical inputs (c₀ = 1) give κ₂ = κ₁; the chosen curve is the recursion at c₀', () => {
    const r = compute({ ...EOC_RELU, activation: 'erf', sigmaW2: 1.5, sigmaB2: 0.1 });
    const same = r.curves.find((c) => c.covariance === 1)!;
    for (const p of same.points) expect(p.kappa2).toBeCloseTo(p.kappa1, 10);
    const direct = ntkGeneralization({ ...r.request, inputCovariance: 0.5 });
    expect(r.chosen).toEqual(direct);
    // a c₀ outside COVARIANCES gets its own curve
    const r3 = compute({ ...EOC_RELU, inputCovariance: 0.33 });
    expect(r3.chosen).toEqual(ntkGeneralization({ ...EOC_RELU, inputCovariance: 0.33 }));
  });

  it('a refused parameter comes back as a message naming it', () => {
    const r = handleWorkerRequest({ id: 4, job: { kind: 'generalization', params: { ...EOC_RELU, samples: 1 } } });
    expect(r).toEqual({ id: 4, ok: false, error: expect.stringMatching(/^samples must be/) });
  });

  it('series and CSVs hold exactly the curves', () => {
    const r = compute(EOC_RELU);
    const k2 = kappa2Series(r);
    expect(k2.length).toBe(COVARIANCES.length);
    expect(k2[1].points[3]).toEqual({ x: 5, y: r.curves[1].points[3].kappa2 });
    expect(ratioSeries(r)[0].points[0].y).toBe(r.curves[0].points[0].ratio);
    expect(conditionSeries(r)[0].points.map((p) => p.y)).toEqual(r.chosen.map((p) => p.conditionNumber));
    expect(varianceSeries(r)[0].points.map((p) => p.y)).toEqual(r.chosen.map((p) => p.variance));
    const rows = generalizationCsv('ntk-kappa2', r).trimEnd().split('\n');
    expect(rows[0]).toBe('depth,kappa2_c0,kappa2_c0.2,kappa2_c0.4,kappa2_c0.6,kappa2_c0.8,kappa2_c0.95,kappa2_c1');
    expect(rows.length).toBe(12);
    expect(rows[1].split(',').map(Number)).toEqual([2, ...r.curves.map((c) => c.points[0].kappa2)]);
    const cond = generalizationCsv('ntk-condition', r).trimEnd().split('\n');
    expect(cond[0]).toBe('depth,conditionNumber,kappa1,kappa2,ratio');
    const v = generalizationCsv('ntk-variance', r).trimEnd().split('\n');
    expect(v[0]).toBe('depth,variance,A,qL,qLsr');
    expect(Number(v[1].split(',')[1])).toBe(r.chosen[0].variance);
    expect(generalizationFileName('ntk-variance', EOC_RELU, 'csv')).toBe('ntk-variance-relu-w2-b0-L12-c0.5-S100.csv');
    expect(generalizationFileName('ntk-kappa2', EOC_RELU, 'svg')).toBe('ntk-kappa2-relu-w2-b0-L12.svg');
    const json = JSON.parse(generalizationJson('ntk-kappa-ratio', EOC_RELU, '1.0.0'));
    expect(json.network).toMatchObject({ activation: 'relu', sigmaW2: 2, sigmaB2: 0 });
    expect(json.covariances).toEqual([...COVARIANCES]);
  });
});

describe('phase presets', () => {
  it('ReLU: 1.5, 2, 3 for every σ_b² (χ₁ = σ_w²/2)', () => {
    for (const b of [0, 0.5])
      expect(phasePresets('relu', b)).toEqual({ ok: true, values: { ordered: 1.5, edge: 2, chaotic: 3 } });
  });

  it('erf, σ_b² = 0: the edge is where χ₁ = σ_w² E φ′(0)² = σ_w² · 4/π = 1', () => {
    const p = phasePresets('erf', 0);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.values.edge).toBeCloseTo(Math.PI / 4, 5);
    expect(p.values.ordered).toBeCloseTo(0.75 * p.values.edge, 5);
    expect(p.values.chaotic).toBeCloseTo(1.5 * p.values.edge, 5);
  });

  it('an unknown activation gives a reason, not presets', () => {
    expect(phasePresets('nope', 0)).toEqual({ ok: false, reason: expect.stringMatching(/unknown activation/) });
  });
});
