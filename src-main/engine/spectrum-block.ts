// What a sampling worker runs for an NTK-spectrum measurement (Xiao et al. 2020, Fig. 1): one block of networks, each
// sampled exactly by the lazy-Gaussian sampler (docs/lazy-gaussian.md) on m inputs with ‖x‖² = n₀ = M and pairwise
// cosine c, in
// NTK parametrization; per network the largest eigenvalue of its m×m Θ and the mean of the other m − 1 (the bulk).
// Block b uses new Rng(seed, b) like every pool job. Networks whose Θ leaves float64 fail the block with the reason.
import { equicorrelatedGram, symmetricEigenvalues } from '../../src-shared/theory/meanfield/spectrum';
import { Rng } from '../../src-shared/rng';
import { LazyNtkSampler } from './lazy-gaussian';
import type { BlockArrays, SpectrumWork } from './pool-work';

export function runSpectrumBlock(p: SpectrumWork, block: number, count: number): BlockArrays {
  if (!Number.isInteger(block) || block < 0) throw new RangeError(`block must be an integer ≥ 0 (got ${block})`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be an integer ≥ 0 (got ${count})`);
  const m = p.inputs;
  const widths = new Array<number>(p.depth).fill(p.width); // n₀ = M
  // ‖x‖² = n₀ (O(1) coordinates, Xiao et al.'s convention): the first layer's covariance is σ_w²C + σ_b²
  const sampler = new LazyNtkSampler(
    { sigmaW2: p.sigmaW2, sigmaB2: p.sigmaB2, widths, activation: p.activation, parametrization: 'ntk' },
    equicorrelatedGram(m, p.width, p.inputCos * p.width),
  );
  const rng = new Rng(p.seed, block);
  const theta = new Float64Array(count),
    lambdaMax = new Float64Array(count),
    bulk = new Float64Array(count);
  const K = new Float64Array(m * m);
  for (let s = 0; s < count; s++) {
    sampler.sample(rng, K);
    const ev = symmetricEigenvalues(K, m);
    theta[s] = K[0];
    lambdaMax[s] = ev[0];
    let rest = 0;
    for (let i = 1; i < m; i++) rest += ev[i];
    bulk[s] = rest / (m - 1);
  }
  return { theta, lambdaMax, bulk };
}
