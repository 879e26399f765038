// What a sampling worker runs for a measured freeze/chaos point (Jacot et al. 2019, Sec. 2.1): one block of networks
// on the β line drawn by FreezeChaosFastSampler (closed-form lazy Gaussian weights, O(L·M) per network for two
// inputs; same law as FreezeChaosPairSampler, freeze-chaos-fast.test.ts). Block b
// uses new Rng(seed, b) like every pool job, so the merged samples do not depend on the worker count.
// Per network: theta = (Θ(x,x) + Θ(y,y))/2 and thetaOff = ϑ = Θ(x,y)/√(Θ(x,x)Θ(y,y)).
import { Rng } from '../../src-shared/rng';
import { makeNonlinearity } from '../../src-shared/theory/freeze-chaos/index';
import { FreezeChaosFastSampler, inlineFor } from './freeze-chaos-fast';
import type { BlockArrays, FreezeChaosWork } from './pool-work';

export function runFreezeChaosBlock(p: FreezeChaosWork, block: number, count: number): BlockArrays {
  if (!Number.isInteger(block) || block < 0) throw new RangeError(`block must be an integer ≥ 0 (got ${block})`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be an integer ≥ 0 (got ${count})`);
  const nl = makeNonlinearity(p.activation, p.nonlinearity);
  const { sigma, dsigma, sigmaDsigma } = nl;
  const net = {
    sigma,
    dsigma,
    sigmaDsigma,
    inline: inlineFor(nl),
    beta: p.beta,
    depth: p.depth,
    width: p.width,
    cos: p.cos,
  };
  const sampler = new FreezeChaosFastSampler(net, new Rng(p.seed, block));
  const theta = new Float64Array(count);
  const thetaOff = new Float64Array(count);
  const out = new Float64Array(3);
  for (let s = 0; s < count; s++) {
    sampler.sample(out);
    theta[s] = 0.5 * (out[0] + out[1]);
    thetaOff[s] = out[2] / Math.sqrt(out[0] * out[1]);
  }
  return { theta, thetaOff };
}
