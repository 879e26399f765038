// The structured solves with αI − J (reduced-jacobian.ts) against the Jacobian of the reduced right-hand side taken
// by central differences along the solution: (αI − J)x must give back the right-hand side.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng';
import { stateLayout } from './block-dynamics';
import { ReducedLinearSystem } from './reduced-jacobian';
import { reduceState, reducedDerivative } from './reduced-flow';

const kernel = { kappaD: 1, kappaC: 0.6, kappaN: 0.1 };

/**
 * J v by the five-point difference (8[f(z + εv) − f(z − εv)] − [f(z + 2εv) − f(z − 2εv)])/(12ε), exact for
 * polynomials of degree ≤ 4 (the flow is a cubic), so only rounding remains; v is scaled to max |v_i| = 1.
 */
function jacobianTimes(f: (z: ArrayLike<number>, dz: Float64Array) => void, z: Float64Array, v: Float64Array) {
  const norm = Math.max(...Array.from(v, Math.abs));
  const eps = 1e-3;
  const at = (s: number) => {
    const out = new Float64Array(z.length);
    f(
      z.map((x, i) => x + (s * eps * v[i]) / norm),
      out,
    );
    return out;
  };
  const [p1, m1, p2, m2] = [at(1), at(-1), at(2), at(-2)];
  return p1.map((x, i) => ((8 * (x - m1[i]) - (p2[i] - m2[i])) / (12 * eps)) * norm);
}

describe('reduced linear system (αI − J, Schur complement on (H₁, W, b))', () => {
  it.each([
    ['generic features (r = n)', { classes: 4, perClass: 6, features: 8 }, 1],
    ['more features than samples (r = N − C)', { classes: 3, perClass: 2, features: 7 }, 2],
    ['features spanning 2 dimensions (r = 2)', { classes: 3, perClass: 4, features: 5 }, 3],
  ])('solves (αI − J)x = y for %s', (_label, sizes, seed) => {
    const L = stateLayout(sizes);
    const y = new Float64Array(L.size);
    const rng = new Rng(seed, 2);
    if (seed === 3) {
      // features h_i = a_i u + b_i v: within-class deviations of rank 2
      const u = Array.from({ length: L.n }, () => rng.normal());
      const v = Array.from({ length: L.n }, () => rng.normal());
      for (let i = 0; i < L.N; i++) {
        const a = rng.normal(),
          b = rng.normal();
        for (let f = 0; f < L.n; f++) y[f * L.N + i] = a * u[f] + b * v[f];
      }
      for (let i = L.wAt; i < L.size; i++) y[i] = rng.normal();
    } else rng.fillNormal(y);
    const { layout: R, z } = reduceState(y, L);
    if (seed === 3) expect(R.r).toBe(2);
    const f = reducedDerivative(kernel, R);
    const system = new ReducedLinearSystem(kernel, R);
    system.setState(z);
    for (const alpha of [0.5, 7, 300]) {
      expect(system.factor(alpha)).toBe(true);
      const rhs = new Float64Array(R.size);
      rng.fillNormal(rhs);
      const x = Float64Array.from(rhs);
      system.solve(x);
      const Jx = jacobianTimes(f, z, x);
      // rounding: the terms of (αI − J)x are of size (α + ‖J‖)·max|x|, ‖J‖ ≲ 10³ here
      const scale = Math.max(...Array.from(x, Math.abs)) * (alpha + 1e3);
      let worst = 0;
      for (let i = 0; i < R.size; i++) worst = Math.max(worst, Math.abs(alpha * x[i] - Jx[i] - rhs[i]));
      expect(worst).toBeLessThan(1e-12 * scale);
    }
  });
});
