// Rodas5P (rosenbrock.ts) on a problem with a known solution: u' = −u², v' = −λ(v − u) − u², whose solution is
// u = 1/(1 + t), v = u + (v₀ − 1)e^{−λt} (u₀ = 1); stiff for large λ. Its Jacobian is [[−2u, 0], [λ − 2u, −λ]].
import { describe, expect, it } from 'vitest';
import { Rodas5P, type LinearSolves } from './rosenbrock';

function problem(lambda: number, nanAbove = Number.POSITIVE_INFINITY) {
  const derivative = (z: ArrayLike<number>, dz: Float64Array) => {
    const [u, v] = [z[0], z[1]];
    dz[0] = u > nanAbove ? Number.NaN : -u * u;
    dz[1] = -lambda * (v - u) - u * u;
  };
  let u = 0,
    m00 = 0,
    m10 = 0,
    m11 = 0;
  const linear: LinearSolves = {
    setState: (z) => (u = z[0]),
    factor(alpha) {
      // αI − J = [[α + 2u, 0], [2u − λ, α + λ]]
      m00 = alpha + 2 * u;
      m10 = 2 * u - lambda;
      m11 = alpha + lambda;
      return m00 !== 0 && m11 !== 0;
    },
    solve(x) {
      x[0] /= m00;
      x[1] = (x[1] - m10 * x[0]) / m11;
    },
  };
  const exact = (t: number, v0: number) => [1 / (1 + t), 1 / (1 + t) + (v0 - 1) * Math.exp(-lambda * t)];
  return { derivative, linear, exact };
}

describe('Rodas5P', () => {
  it('has order 5: halving a constant step divides the error at t = 1 by ≈ 2⁵', () => {
    const { derivative, linear, exact } = problem(2);
    const error = (steps: number) => {
      // one integrate() call per step with an accept-everything tolerance: a constant step size
      const solver = new Rodas5P(2, derivative, linear, { tolerance: 1e30, maxSteps: 10 });
      const z = Float64Array.of(1, 3);
      const h = 1 / steps;
      for (let i = 0; i < steps; i++) {
        const r = solver.integrate(i * h, z, (i + 1) * h, h, () => true);
        expect(r.steps).toBe(1);
      }
      const [u, v] = exact(1, 3);
      return Math.hypot(z[0] - u, z[1] - v);
    };
    const e = [error(8), error(16), error(32)];
    for (let i = 0; i < 2; i++) {
      const order = Math.log2(e[i] / e[i + 1]);
      expect(order).toBeGreaterThan(4.6);
      expect(order).toBeLessThan(5.6);
    }
  });

  it('is stable far beyond the explicit limit on a stiff problem (λ = 10⁶) and meets its tolerance', () => {
    const { derivative, linear, exact } = problem(1e6);
    const solver = new Rodas5P(2, derivative, linear, { tolerance: 1e-8, maxSteps: 10_000 });
    const z = Float64Array.of(1, 2);
    let worst = 0;
    const r = solver.integrate(0, z, 10, 1e-8, (t, s) => {
      const [u, v] = exact(t, 2);
      worst = Math.max(worst, Math.abs(s[0] - u), Math.abs(s[1] - v));
      return true;
    });
    expect(r.outcome).toBe('done');
    expect(r.t).toBe(10);
    // an explicit method would need ≳ 10·λ/3 ≈ 3·10⁶ steps
    expect(r.steps).toBeLessThan(300);
    expect(worst).toBeLessThan(1e-7);
    expect(r.evaluations).toBe(8 * (r.steps + r.rejected));
    expect(r.factorizations).toBe(r.steps + r.rejected);
  });

  it('stops when onStep says so, and reports non-finite when the derivative turns NaN', () => {
    const { derivative, linear } = problem(10, 0.5);
    const solver = new Rodas5P(2, derivative, linear, { tolerance: 1e-8, maxSteps: 10_000 });
    let calls = 0;
    const stoppedRun = solver.integrate(0, Float64Array.of(0.4, 0.4), 1, 1e-3, () => ++calls < 3);
    expect(stoppedRun.outcome).toBe('stopped');
    expect(stoppedRun.steps).toBe(3);
    const nan = solver.integrate(0, Float64Array.of(1, 1), 1, 1e-3, () => true);
    expect(nan.outcome).toBe('non-finite');
    expect(nan.steps).toBe(0);
  });
});
