// What a sampling worker runs for a measured-DKS-maps job (src-shared/contract/dks-measure.ts): one block of
// networks of the lazy-Gaussian chain sampler (dks-measured.ts), per network c_l (theta) and q_l (thetaOff) at the
// last of `depth` layers. Block b uses new Rng(seed, b) like every pool job, so results do not depend on the worker
// count. φ̂ is rebuilt here from (activation, transform): functions do not cross to workers. With `ntk`, Θ(x, x) of
// each network (theta) instead.
import { getDksActivation, transformActivation } from '../../src-shared/theory/dks';
import { Rng } from '../../src-shared/rng';
import { lazyBuffers, sampleChainNtk, sampleNetworkLazy } from './dks-measured';
import type { BlockArrays, DksChainWork } from './pool-work';

export function runDksChainBlock(p: DksChainWork, block: number, count: number): BlockArrays {
  if (!Number.isInteger(block) || block < 0) throw new RangeError(`block must be an integer ≥ 0 (got ${block})`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be an integer ≥ 0 (got ${count})`);
  const base = getDksActivation(p.activation);
  const act = p.transform ? transformActivation(base, p.transform) : base;
  const rng = new Rng(p.seed, block);
  if (p.ntk) return { theta: sampleChainNtk(act, p.width, p.depth, rng, count) };
  const buf = lazyBuffers(p.width);
  const q = new Float64Array(p.depth);
  const c = new Float64Array(p.depth);
  const theta = new Float64Array(count);
  const thetaOff = new Float64Array(count);
  for (let s = 0; s < count; s++) {
    sampleNetworkLazy(act.phi, p.cos, rng, buf, q, c);
    theta[s] = c[p.depth - 1];
    thetaOff[s] = q[p.depth - 1];
  }
  return { theta, thetaOff };
}
