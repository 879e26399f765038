import { describe, expect, it } from 'vitest';
import { criticalSigmaW2, fixedPoint } from '../../src-shared/theory/meanfield';
import { equalChi1SigmaW2, planeMarkers, type ShapingMarkerSource } from './shaping-marker';

describe('the shaped network on a plane (equal χ₁)', () => {
  it('ReLU, σ_b² = 0: χ₁ = σ_w²/2, so the marker stands at σ_w² = 2χ₁', () => {
    for (const chi1 of [0.7, 1, 1.0205, 1.3]) {
      expect(equalChi1SigmaW2('relu', 0, chi1, [0.5, 4])).toBeCloseTo(2 * chi1, 8);
    }
    expect(equalChi1SigmaW2('relu', 0, 2.5, [0.5, 4])).toBeNull(); // σ_w² = 5 is off the window
  });

  it('tanh, σ_b² = 0.05: the mean-field χ₁ there is the target; χ₁ = 1 is the critical line', () => {
    const s = equalChi1SigmaW2('tanh', 0.05, 1.1, [0.25, 4.25])!;
    const fp = fixedPoint({ activation: 'tanh', sigmaW2: s, sigmaB2: 0.05 });
    expect(fp.kind === 'finite' && fp.chi1).toBeCloseTo(1.1, 7);
    const crit = criticalSigmaW2('tanh', 0.05);
    expect(crit.kind === 'found' && crit.sigmaW2).toBeCloseTo(equalChi1SigmaW2('tanh', 0.05, 1, [0.25, 4.25])!, 6);
    expect(s).toBeGreaterThan(crit.kind === 'found' ? crit.sigmaW2 : Infinity); // chaotic side
  });

  it('labels both markers, keeps y as given and says why one is not drawn', () => {
    const src: ShapingMarkerSource = {
      activation: 'softplus',
      zeta: 1.5,
      depth: 100,
      psi: 1.5 ** 0.01,
      before: { qStar: 2.3, chi1: 0.6 },
      after: { qStar: 1, chi1: 1.5 ** 0.01 },
      userTransform: false,
    };
    const m = planeMarkers(src, { activation: 'relu', sigmaB2: 0, window: [1.5, 4] }, 0.5);
    expect(m.map((x) => x.id)).toEqual(['before', 'after']);
    expect(m[0].sigmaW2).toBeNull(); // 2 · 0.6 = 1.2 lies left of the window
    expect(m[0].reason).toMatch(/no σ_w² in \[1.5, 4\]/);
    expect(m[1].sigmaW2).toBeCloseTo(2 * 1.5 ** 0.01, 8);
    expect(m[1].y).toBe(0.5);
    expect(m[1].label).toMatch(/softplus\^ \(DKS, ζ = 1.5, D = 100\)/);
    const own = planeMarkers(
      { ...src, userTransform: true },
      { activation: 'relu', sigmaB2: 0, window: [1.5, 4] },
      0.5,
    );
    expect(own[1].label).toMatch(/your transform/);
    expect(
      planeMarkers(
        { ...src, before: { qStar: null, chi1: null } },
        { activation: 'relu', sigmaB2: 0, window: [0.5, 4] },
        1,
      ),
    ).toHaveLength(1);
  });
});
