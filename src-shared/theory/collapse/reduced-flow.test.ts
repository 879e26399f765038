// The reduced coordinates of Theorem 5.1 (reduced-flow.ts) against the full flow of eq. (19) (block-dynamics.ts):
// the same derivative, state and invariant, and the same trajectory when both are integrated.
import { Outcome, Solver } from 'odex';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng';
import { blockEigen, flowDerivative, invariant, stateLayout } from './block-dynamics';
import { collapseMetrics } from './metrics';
import { expandState, reduceState, reducedDerivative, reducedInvariant } from './reduced-flow';
import { simulateCollapse } from './simulate';

const kernel = { kappaD: 1, kappaC: 0.6, kappaN: 0.1 };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('reduced flow (Theorem 5.1) = full flow (eq. 19)', () => {
  const sizes = { classes: 4, perClass: 6, features: 8 };
  const L = stateLayout(sizes);
  const eig = blockEigen(kernel, sizes);
  const y = new Float64Array(L.size);
  new Rng(3, 1).fillNormal(y);
  const { layout: R, z, V } = reduceState(y, L);

  it('rebuilds the full state and its invariant; r = min(n, N − C) for generic features', () => {
    expect(R.r).toBe(8);
    expect(R.size).toBe(2 * 8 * 4 + 4 + 8 * 8);
    expect(maxDiff(expandState(z, R, V, L), y)).toBeLessThan(1e-13);
    expect(maxDiff(reducedInvariant(z, eig, R), invariant(y, eig, L))).toBeLessThan(1e-13);
  });

  it('Ḣ₁, Ẇ, ḃ equal the full ones, and K̇ Vᵀ is the within-class part of Ḣ', () => {
    const dy = new Float64Array(L.size);
    flowDerivative(kernel, L)(y, dy);
    const dz = new Float64Array(R.size);
    reducedDerivative(kernel, R)(z, dz);
    const { n, N, C, m } = L;
    for (let f = 0; f < n; f++)
      for (let c = 0; c < C; c++) {
        let mean = 0;
        for (let i = c * m; i < (c + 1) * m; i++) mean += dy[f * N + i] / m;
        expect(Math.abs(dz[f * C + c] - mean)).toBeLessThan(1e-12 * (1 + Math.abs(mean)));
        for (let i = c * m; i < (c + 1) * m; i++) {
          let dev = 0;
          for (let a = 0; a < R.r; a++) dev += dz[R.kAt + f * R.r + a] * V[i * R.r + a];
          expect(Math.abs(dev - (dy[f * N + i] - mean))).toBeLessThan(1e-11);
        }
      }
    expect(maxDiff(dz.subarray(R.wAt, R.kAt), dy.subarray(L.wAt))).toBeLessThan(1e-11);
  });

  it('features in a C-dimensional subspace give r ≤ C', () => {
    const U = new Float64Array(L.n * 2);
    new Rng(4, 0).fillNormal(U);
    const low = new Float64Array(L.size);
    const coef = new Float64Array(2 * L.N);
    new Rng(5, 0).fillNormal(coef);
    for (let f = 0; f < L.n; f++)
      for (let i = 0; i < L.N; i++) low[f * L.N + i] = U[f * 2] * coef[i] + U[f * 2 + 1] * coef[L.N + i];
    const r = reduceState(low, L);
    expect(r.layout.r).toBe(2);
    expect(maxDiff(expandState(r.z, r.layout, r.V, L), low)).toBeLessThan(1e-13);
  });
});

describe('simulateCollapse (reduced) against ODEX on the full state', () => {
  it('the same NC metrics, residual and loss at t = 20 from the random start', () => {
    const p = { classes: 3, perClass: 3, features: 5, ...kernel, init: 'random' as const, tMax: 20, tracePoints: 2 };
    const reduced = simulateCollapse(p);
    // the random start of simulate.ts, integrated on the full state
    const L = stateLayout({ classes: 3, perClass: 3, features: 5 });
    const rng = new Rng(1, 0);
    const y0 = new Array<number>(L.size).fill(0);
    for (let i = 0; i < L.n * L.N; i++) y0[i] = rng.normal();
    for (let i = 0; i < L.C * L.n; i++) y0[L.wAt + i] = rng.normal() / Math.sqrt(L.n);
    const d = flowDerivative(kernel, L);
    const solver = new Solver(L.size);
    solver.relativeTolerance = solver.absoluteTolerance = 1e-12;
    solver.maxSteps = 1e6;
    const out = solver.solve(
      (_t, s) => {
        const dy = new Float64Array(L.size);
        d(s, dy);
        return Array.from(dy);
      },
      0,
      y0,
      20,
    );
    expect(out.outcome).toBe(Outcome.Converged);
    const full = collapseMetrics(out.y, blockEigen(kernel, { classes: 3, perClass: 3, features: 5 }), L);
    const r = reduced.final;
    for (const key of ['nc1', 'nc2', 'nc3', 'h2Norm', 'loss'] as const)
      expect(Math.abs(r[key] - full[key])).toBeLessThan(1e-8 * (1 + Math.abs(full[key])));
    expect(Math.abs(r.residual.single - full.residual.single)).toBeLessThan(1e-8);
  });
});
