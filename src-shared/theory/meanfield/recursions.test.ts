import { describe, expect, it } from 'vitest';
import { kernelRecursion, ntkAlongDepth, pairRecursion, pairRecursionSteps, type NtkDepthCurve } from './recursions';
import { getActivation } from './activation';

function run(gen: Generator<number, NtkDepthCurve>): NtkDepthCurve {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

describe('the pair recursion is the m = 2 kernel recursion (Xiao et al. 2020, eqs. 13–14)', () => {
  it('equals kernelRecursion on [[q⁰, c⁰q⁰], [c⁰q⁰, q⁰]] at every layer (closed form and quadrature φ)', () => {
    for (const [name, sw, sb, q0, c0, L] of [
      ['relu', 1.7, 0.2, 1.3, 0.4, 40],
      ['erf', 2.5, 0.1, 1, -0.3, 40],
      ['tanh', 1.4, 0.05, 0.8, 0.6, 12],
    ] as const) {
      const { steps } = pairRecursion(name, sw, sb, q0, c0, L);
      kernelRecursion({
        activation: name,
        sigmaW2: sw,
        sigmaB2: sb,
        gram0: [q0, c0 * q0, c0 * q0, q0],
        m: 2,
        depth: L,
        onLayer: (l, K, th) => {
          expect([steps[l].q, steps[l].qab, steps[l].p, steps[l].pab]).toEqual([K[0], K[1], th[0], th[1]]);
        },
      });
    }
  });

  it('reports the first layer beyond float64 (chaotic ReLU: Θ grows like χ₁^l) and never returns NaN', () => {
    const { steps, beyondFloat64AtLayer } = pairRecursion('relu', 1e3, 0, 1, 0.5, 1000);
    expect(beyondFloat64AtLayer).toBe(steps.length);
    const full = kernelRecursion({
      activation: 'relu',
      sigmaW2: 1e3,
      sigmaB2: 0,
      gram0: [1, 0.5, 0.5, 1],
      m: 2,
      depth: 1000,
    });
    expect(full.beyondFloat64AtLayer).toBe(beyondFloat64AtLayer);
    expect(steps.every((s) => [s.q, s.qab, s.p, s.pab].every(Number.isFinite))).toBe(true);
  });

  it('a pair map returning null stops the recursion before that layer', () => {
    const act = getActivation('relu');
    const gen = pairRecursionSteps(act, 2, 0, { q: 1, qab: 0.5, p: 1, pab: 0.5 }, 10, (q) =>
      q > 1 + 1e-12 ? null : { T: q / 2, Tdot: 0.5 },
    );
    const out = [];
    for (let r = gen.next(); ; r = gen.next()) {
      if (r.done) {
        expect(r.value).toEqual({ beyondFloat64At: null, stoppedAt: null });
        break;
      }
      out.push(r.value);
    }
    expect(out).toHaveLength(10); // q stays 1 at σ_w² = 2, σ_b² = 0 (ReLU is marginal): never stopped
    const grow = pairRecursionSteps(act, 2, 0.1, { q: 1, qab: 0.5, p: 1, pab: 0.5 }, 10, (q) =>
      q > 1.15 ? null : { T: q / 2, Tdot: 0.5 },
    );
    let r = grow.next();
    let n = 0;
    for (; !r.done; r = grow.next()) n++;
    expect(n).toBe(2); // q: 1 → 1.1 → 1.2, and the map declines at q = 1.2
    expect(r.value).toEqual({ beyondFloat64At: null, stoppedAt: 3 });
  });
});

describe('ntkAlongDepth (the trainability sweep’s network)', () => {
  it('starts at K⁽¹⁾ = Θ⁽¹⁾ = σ_w²((1 − c)I + c𝟏𝟏ᵀ) + σ_b² and then follows pairRecursion (closed-form ReLU: exactly)', () => {
    const [sw, sb, c, L] = [1.7, 0.2, 0.3, 25];
    const curve = run(ntkAlongDepth('relu', sw, sb, c, L));
    expect(curve.layers[0]).toEqual({ depth: 1, q: sw + sb, qab: sw * c + sb, p: sw + sb, pab: sw * c + sb });
    const rest = pairRecursionSteps(getActivation('relu'), sw, sb, curve.layers[0], L - 1);
    for (let l = 2; l <= L; l++) expect(curve.layers[l - 1]).toEqual({ depth: l, ...rest.next().value });
    expect(curve.beyondFloat64At).toBeNull();
    expect(curve.stoppedAt).toBeUndefined();
  });
});
