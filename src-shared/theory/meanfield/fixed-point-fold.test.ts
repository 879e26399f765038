// GELU's length map has a fold near (σ_w², σ_b²) ≈ (2, 0.16): two fixed points appear in a saddle-node pair above
// the one the orbit from q⁰ = 1 reaches. q* is defined as the limit of that orbit (Poole et al. 2016; Schoenholz et
// al. 2017), so the solver must return the first fixed point in the direction the orbit moves, never one beyond the
// pair. The reference here is plain iteration with its own Gauss–Legendre expectation (independent of nngp-map.ts
// and of the bracketing), on a grid that crosses the fold.
import { describe, expect, it } from 'vitest';
import { criticalSigmaW2 } from './critical-curve';
import { normalCdf } from './erf';
import { getActivation } from './activation';
import { fixedPoint, solveQStar } from './fixed-point';
import { gaussLegendre } from './gauss';
import { qTable } from './tables';

const rule = gaussLegendre(32);
const PANELS = [
  [-10, -2],
  [-2, 0],
  [0, 2],
  [2, 10],
];
/**
 * E φ(√q z)², φ(x) = xΦ(x), by 32-point Gauss–Legendre on four panels of z ∈ [−10, 10] (split at 0, where φ(√q z)
 * turns over on a scale 1/√q; ~1e-15 relative up to q = 50 against nngp-map's quadrature).
 */
function geluMeanSquare(q: number): number {
  const s = Math.sqrt(q);
  let acc = 0;
  for (const [lo, hi] of PANELS) {
    const h = (hi - lo) / 2;
    const m = (hi + lo) / 2;
    for (let i = 0; i < rule.x.length; i++) {
      const z = m + h * rule.x[i];
      const u = s * z;
      const phi = u * normalCdf(u);
      acc += h * rule.w[i] * phi * phi * Math.exp(-0.5 * z * z);
    }
  }
  return acc / Math.sqrt(2 * Math.PI);
}

/**
 * Plain iteration q ← σ_w²E φ(√q z)² + σ_b² from q⁰ = 1 until the step is < 1e-11·q; returns q and an error bound
 * from the map's slope λ there (the orbit is monotone: the remaining distance is ≈ step·λ/(1 − λ), and a relative
 * 1e-14 difference of two quadratures moves the root by 1e-14·q/(1 − λ)).
 */
function iterate(sw: number, sb: number): { q: number; err: number } | 'diverges' {
  let q = 1;
  for (let n = 0; n < 50000; n++) {
    const next = sw * geluMeanSquare(q) + sb;
    const step = Math.abs(next - q);
    q = next;
    if (q > 1e8) return 'diverges'; // beyond σ_w² = 2 the slope tends to σ_w²/2 > 1: geometric growth
    if (step < 1e-11 * q) break;
  }
  const lambda = (sw * (geluMeanSquare(q * (1 + 1e-6)) - geluMeanSquare(q))) / (q * 1e-6);
  const step = Math.abs(sw * geluMeanSquare(q) + sb - q);
  return { q, err: lambda < 1 ? (10 * (step + 1e-14 * q)) / (1 - lambda) : Infinity };
}

describe('length map at a fold (GELU): q* is the fixed point the orbit from q⁰ = 1 reaches', () => {
  it('the three reported cases: 2.1268, 1.668, 1.257 (not 6.476, 47.65, none)', () => {
    for (const [sw, sb, expected] of [
      [1.985, 0.17, 2.1268],
      [1.9955, 0.16, 1.668],
      [2.008, 0.15, 1.257],
    ]) {
      const fp = fixedPoint({ activation: 'gelu', sigmaW2: sw, sigmaB2: sb });
      expect(fp.kind).toBe('finite');
      if (fp.kind !== 'finite') continue;
      expect(fp.qStar).toBeCloseTo(expected, 3);
      const ref = iterate(sw, sb);
      if (ref === 'diverges') throw new Error('reference diverged');
      expect(Math.abs(fp.qStar - ref.q)).toBeLessThanOrEqual(Math.max(ref.err, 1e-9 * ref.q));
      expect(fp.chi1).toBeLessThan(1); // the reached point is ordered (the far one had χ₁ ≈ 1.013)
    }
  });

  it('a grid crossing the fold: no fixed point between q⁰ = 1 and q* (dense scan), by quadrature and by the table', () => {
    // Beyond the fold the orbit creeps past the ghost of the vanished pair for thousands of steps, so the reference
    // here is a dense scan of g(q) = F(q) − q with the quadrature above: the solver's q* must be a root, and g must
    // keep the sign of g(1) on 400 log-spaced points between 1 and q* (no earlier fixed point to stop at).
    const act = getActivation('gelu');
    const table = qTable(act);
    const ws = Array.from({ length: 13 }, (_, i) => 1.98 + 0.0025 * i);
    let far = 0;
    let diverging = 0;
    for (const sb of [0.16, 0.17]) {
      for (const sw of ws) {
        const g = (q: number) => sw * geluMeanSquare(q) + sb - q;
        const sign = Math.sign(g(1));
        for (const r of [solveQStar(act, sw, sb), solveQStar(act, sw, sb, 1, undefined, (q) => table.meanSquare(q))]) {
          const end = r.kind === 'finite' ? r.qStar : 50; // 'none': no root up to q = 50 (the quadrature's range)
          for (let k = 0; k < 400; k++) expect(Math.sign(g(end ** (k / 400)))).toBe(sign);
          if (r.kind === 'finite') {
            expect(Math.abs(g(r.qStar))).toBeLessThan(1e-11 * r.qStar);
            if (r.qStar > 5) far++;
          } else {
            // no root only where the asymptotic slope σ_w²/2 is ≥ 1 (at σ_w² = 2, g → σ_b² > 0: linear growth)
            expect(sw).toBeGreaterThan(2 - 1e-9);
            diverging++;
          }
        }
      }
    }
    // the grid does cross the fold: some cells have passed it (q* ≫ 1) and some diverge
    expect(far).toBeGreaterThan(0);
    expect(diverging).toBeGreaterThan(0);
  });

  it('the critical line of GELU jumps (two stable fixed points) up to the cusp at σ_b² ≈ 0.1730, and not above', () => {
    const below = criticalSigmaW2('gelu', 0.1728);
    expect(below.kind).toBe('none');
    if (below.kind === 'none') expect(below.reason).toMatch(/two stable fixed points/);
    const above = criticalSigmaW2('gelu', 0.1732);
    expect(above.kind).toBe('found');
  });
});
