import { afterAll, describe, expect, it } from 'vitest';
import { ntkSpectrumParamsSchema, type SpectrumPoint } from '../../src-shared/contract/ntk-spectrum';
import { equicorrelatedGram, kernelRecursion, ntkSpectrum } from '../../src-shared/theory/meanfield';
import { LabService } from './lab-service';

const svc = new LabService({ workers: 2 });
afterAll(() => svc.close());

/**
 * Infinite-width spectrum at depth L: the recursion from the first hidden layer's covariance σ_w²C + σ_b² (see the
 * contract).
 */
function theory(activation: string, sigmaW2: number, sigmaB2: number, m: number, c: number, L: number) {
  const gram0 = equicorrelatedGram(m, sigmaW2 + sigmaB2, sigmaW2 * c + sigmaB2);
  return ntkSpectrum(kernelRecursion({ activation, sigmaW2, sigmaB2, gram0, m, depth: L - 1 }).theta, m);
}

describe('NTK spectrum on finite networks (ntk-spectrum jobs)', () => {
  it.each([
    ['relu', 2, 0],
    ['tanh', 1.5, 0.05],
  ] as const)(
    '%s: E[λ_max], E[bulk] and κ approach the infinite-width recursion within SE + the O(L/M) finite-width correction',
    async (activation, sigmaW2, sigmaB2) => {
      const M = 96,
        m = 5,
        c = 0.4;
      const params = ntkSpectrumParamsSchema.parse({
        activation,
        sigmaW2,
        sigmaB2,
        width: M,
        depths: [2, 3],
        inputs: m,
        inputCos: c,
        samples: 400,
        seed: 3,
      });
      const seen: SpectrumPoint[] = [];
      const out = await svc.runJob(
        svc.checkJob({ kind: 'ntk-spectrum', params }),
        (o) => o.kind === 'ntk-spectrum' && o.point && seen.push(o.point),
      );
      if (out.kind !== 'ntk-spectrum' || !out.points) throw new Error('no points');
      expect(seen.map((p) => p.depth)).toEqual([2, 3]); // streamed one depth at a time, in order
      for (const p of out.points) {
        const t = theory(activation, sigmaW2, sigmaB2, m, c, p.depth);
        const tol = (est: { stderr: number }, value: number) => 4 * est.stderr + (p.depth / M) * Math.abs(value);
        expect(Math.abs(p.lambdaMax.estimate - t.lambdaMax)).toBeLessThan(tol(p.lambdaMax, t.lambdaMax));
        expect(Math.abs(p.bulk.estimate - t.lambdaRest)).toBeLessThan(tol(p.bulk, t.lambdaRest));
        if (t.kappa === null) throw new Error('the recursion has no positive bulk here');
        expect(Math.abs(p.kappa.estimate - t.kappa)).toBeLessThan(tol(p.kappa, t.kappa));
        expect(p.samples).toBe(400);
      }
    },
  );

  it('refuses what cannot run and rejects malformed parameters', () => {
    expect(() =>
      svc.checkJob({
        kind: 'ntk-spectrum',
        params: ntkSpectrumParamsSchema.parse({ sigmaW2: 2, width: 4096, depths: [2000], inputs: 32, samples: 100000 }),
      }),
    ).toThrow(/MiB|would take/);
    expect(
      ntkSpectrumParamsSchema.safeParse({ sigmaW2: 2, width: 8, depths: [3], inputs: 4, inputCos: -0.5 }).success,
    ).toBe(false); // c < −1/(m−1)
  });
});
