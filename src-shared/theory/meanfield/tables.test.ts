import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng';
import { getActivation } from './activation';
import { depthScales } from './depth-scales';
import { fixedPoint } from './fixed-point';
import { correlationSeries } from './hermite-series';
import { MAP_STATUS, xiMap } from './map';
import { lengthMap } from './nngp-map';
import { TABLE_SERIES_TERMS, qTable, stencilAt } from './tables';

/** The cell computed from scratch: cold fixedPoint (direct quadrature, no table, no series) + depthScales. */
function reference(name: string, sw: number, sb: number): { status: number; xi: number; qStar: number } {
  const fp = fixedPoint({ activation: name, sigmaW2: sw, sigmaB2: sb });
  const ds = depthScales(fp);
  const qStar = fp.kind === 'finite' ? fp.qStar : 0;
  if (fp.kind === 'none') return { status: MAP_STATUS.none, xi: 0, qStar };
  if (ds.phase === 'ordered') return { status: MAP_STATUS.ordered, xi: ds.xi1 ?? 0, qStar };
  if (ds.phase === 'chaotic')
    return ds.xiStar === null
      ? { status: MAP_STATUS.none, xi: 0, qStar }
      : { status: MAP_STATUS.chaotic, xi: ds.xiStar, qStar };
  return { status: MAP_STATUS.critical, xi: 0, qStar };
}

describe('q tables (tables.ts)', () => {
  it('Lagrange stencil reproduces a degree-7 polynomial in ln q exactly and is null off the grid', () => {
    const st = stencilAt(0.37)!;
    const s0 = Math.log(1e-8);
    const p = (s: number) => 1 + 0.3 * s - 0.01 * s ** 3 + 1e-4 * s ** 7;
    let sum = 0;
    for (let j = 0; j < 8; j++) sum += st.w[j] * p(s0 + (st.i0 + j) / 32);
    expect(Math.abs(sum - p(Math.log(0.37)))).toBeLessThan(1e-9 * Math.abs(p(Math.log(0.37))));
    expect(stencilAt(1e-9)).toBeNull();
    expect(stencilAt(Number.NaN)).toBeNull();
  });

  it('interpolated E φ², E φ′² and Mehler a_k² agree with direct quadrature at random q (tanh, gelu, selu, sigmoid)', () => {
    const rng = new Rng(2024, 9);
    const a2 = new Float64Array(TABLE_SERIES_TERMS + 1);
    for (const name of ['tanh', 'gelu', 'selu', 'sigmoid']) {
      const act = getActivation(name);
      const table = qTable(act);
      for (let t = 0; t < 12; t++) {
        const q = Math.exp(Math.log(1e-4) + rng.uniform() * Math.log(1e8)); // q ∈ [1e-4, 1e4]
        const direct = lengthMap(act, q);
        // the direct quadrature is itself only good to ≲ 5e-10 relative (quadratureOptions), and its rule jumps with q
        // at the 1e-11 level (measured: tanh E φ′² 1.1e-11 at q = 296); the degree-7 interpolation error is ~1e-14
        expect(Math.abs(table.meanSquare(q) - direct.T)).toBeLessThan(1e-10 * direct.T);
        expect(Math.abs(table.meanSquareSlope(q) - direct.Tdot)).toBeLessThan(1e-10 * direct.Tdot);
        if (t < 3) {
          const fit = table.seriesCoeffs2(q, a2)!;
          const s = correlationSeries(act, q, TABLE_SERIES_TERMS);
          // 𝒯 at c = 0.9 from the interpolated vs the directly computed coefficients (weights 0.9^k)
          let mine = 0;
          let ref = 0;
          for (let k = 0; k <= TABLE_SERIES_TERMS; k++) {
            if (k <= fit.n) mine += a2[k] * 0.9 ** k;
            ref += s.coeffs2[k] * 0.9 ** k;
          }
          expect(Math.abs(mine - ref)).toBeLessThan(1e-12 * ref);
        }
      }
    }
  });
});

describe('fast ξ map agrees with the direct per-cell computation', () => {
  // Random cells of a 40 × 6 grid over the bench's range σ_w² ∈ (0.5, 4), σ_b² ∈ (0, 0.5) (GELU and SELU: σ_w² up
  // to 1.9 and 1.75, where q* stays moderate — beyond, the few cells that fall back to 2D quadrature cost seconds).
  const cases: [string, number][] = [
    ['tanh', 4],
    ['gelu', 1.9],
    ['selu', 1.75],
    ['erf', 4],
    ['relu', 4],
    ['sigmoid', 4],
  ];
  for (const [name, swMax] of cases) {
    it(`${name}: ξ to 1e-8 relative, q* to 1e-10, identical statuses`, () => {
      const sw = Float64Array.from({ length: 40 }, (_, i) => 0.5 + ((i + 0.5) * (swMax - 0.5)) / 40);
      const sb = Float64Array.from([0.01, 0.05, 0.12, 0.25, 0.37, 0.49]);
      const m = xiMap(name, sw, sb);
      const rng = new Rng(77, name.length);
      const seen = new Set<number>();
      for (let t = 0; t < 16; t++) {
        const i = Math.floor(rng.uniform() * sw.length);
        const j = Math.floor(rng.uniform() * sb.length);
        const k = j * sw.length + i;
        const ref = reference(name, sw[i], sb[j]);
        expect(m.status[k], `${name} σ_w² = ${sw[i]}, σ_b² = ${sb[j]}`).toBe(ref.status);
        expect(Math.abs(m.xi[k] - ref.xi)).toBeLessThanOrEqual(1e-8 * ref.xi);
        expect(Math.abs(m.qStar[k] - ref.qStar)).toBeLessThanOrEqual(1e-10 * ref.qStar);
        seen.add(m.status[k]);
      }
      // the sample covers the table's chaotic path (Mehler series) where the activation has one on this range
      // (sigmoid is ordered everywhere; GELU's chaotic strip sits at σ_w² ≈ 1.96 next to the divergent q*)
      expect(seen.has(MAP_STATUS.ordered)).toBe(true);
      // (ReLU has no finite q* right of σ_w² = 2 at σ_b² > 0: status none, no chaotic cells)
      if (name === 'relu') expect(seen.has(MAP_STATUS.none)).toBe(true);
      else if (name !== 'sigmoid' && name !== 'gelu') expect(seen.has(MAP_STATUS.chaotic)).toBe(true);
    });
  }

  it('SELU near-critical chaotic cells (c* → 1, Mehler series too short) take the 1D fallback and agree with 2D quadrature', () => {
    const sw = Float64Array.from([1.10375, 1.12125]); // c* = 0.99996 and 0.9927 at σ_b² = 0.25125
    const m = xiMap('selu', sw, [0.25125]);
    expect(m.directCells).toBe(2);
    for (let i = 0; i < sw.length; i++) {
      const ref = reference('selu', sw[i], 0.25125);
      expect(m.status[i]).toBe(MAP_STATUS.chaotic);
      expect(ref.status).toBe(MAP_STATUS.chaotic);
      // ξ* = −1/(log χ_c* − log χ₁) turns an error ε in χ_c* into a relative error ≈ ε·ξ* (ξ* ≈ 1200 at the first
      // cell): with both methods good to ~1e-10 in χ_c*, allow 1e-10·ξ* relative on top of 1e-8
      expect(Math.abs(m.xi[i] - ref.xi)).toBeLessThanOrEqual((1e-8 + 1e-10 * ref.xi) * ref.xi);
    }
  });
});
