// What a sampling worker runs for a first-GD-step experiment (issue 4): one block of networks, each taking one GD
// step on (x, y); Θ(x, x) (and Θ(x, x̃)) before and after. Block b always uses new Rng(seed, b), as measurements do.
// method 'exact' → the lazy-Gaussian sampler carried across the step (docs/gd-step.md); 'dense' → materialized
// float64 weights. checkGdStepFeasible refuses work that would not finish or fit.
import type { GdStepParams } from '../../src-shared/contract/gd-step';
import { FEASIBILITY_LIMITS, denseSeconds, lazyGdStepSeconds } from '../../src-shared/network/cost-model';
import { Rng } from '../../src-shared/rng';
import { denseCost } from './dense';
import { sampleGdStepDense } from './gd-step-dense';
import { sampleGdStepExact, type GdStepSpec } from './gd-step-exact';
import { LAZY_MAX_STORED_VALUES } from './lazy-gaussian';
import type { BlockArrays } from './pool-work';
import { fmtBytes, tooSlow, widthsOf } from './sample-block';

export function gdStepSpec(params: GdStepParams): GdStepSpec {
  return {
    sigmaW2: params.sigmaW2,
    sigmaB2: params.sigmaB2,
    widths: widthsOf(params),
    activation: params.activation,
    lr: params.lr,
    target: params.target,
    scale: params.scale,
    inputNorm: params.inputNorm,
    pairCos: params.pairCos,
  };
}

export function runGdStepBlock(params: GdStepParams, block: number, count: number): BlockArrays {
  if (!Number.isInteger(block) || block < 0) throw new RangeError(`block must be an integer ≥ 0 (got ${block})`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be an integer ≥ 0 (got ${count})`);
  const rng = new Rng(params.seed, block);
  const spec = gdStepSpec(params);
  const r = params.method === 'dense' ? sampleGdStepDense(spec, count, rng) : sampleGdStepExact(spec, count, rng);
  const out: BlockArrays = { theta: r.theta, thetaAfter: r.thetaAfter, diverged: r.diverged };
  if (r.thetaOff) out.thetaOff = r.thetaOff;
  if (r.thetaOffAfter) out.thetaOffAfter = r.thetaOffAfter;
  // the logarithms only where a value left float64 (the service takes the others' from the plain values)
  const beyond = (a: Float64Array) => a.some((v) => !Number.isFinite(v));
  const kernels = [r.theta, r.thetaAfter, r.thetaOff, r.thetaOffAfter].filter((a) => a !== undefined);
  if (r.logs && kernels.some(beyond)) {
    out.logTheta = r.logs.theta;
    out.logThetaAfter = r.logs.thetaAfter;
    out.logAbsDelta = r.logs.absDelta;
    out.deltaSign = r.logs.deltaSign;
    const off = r.logs.off;
    if (off) {
      out.logThetaOff = off.theta;
      out.thetaOffSign = off.thetaSign;
      out.logAbsDeltaOff = off.absDelta;
      out.deltaOffSign = off.deltaSign;
    }
  }
  return out;
}

export function checkGdStepFeasible(params: GdStepParams): { ok: true } | { ok: false; reason: string } {
  const widths = widthsOf(params);
  const N = params.samples;
  const L = params.depth;
  const inputs = params.pairCos === undefined ? 1 : 2;
  if (params.method === 'exact') {
    let units = 0,
      stored = 0;
    for (let l = 1; l <= L; l++) {
      const nOut = l < L ? widths[l] : 1;
      units += nOut;
      // the step doubles the revealed products per layer: before- and after-step vectors on both sides
      stored += 2 * inputs * (2 * (l === 1 ? 2 * inputs : widths[l - 1]) + 4 * nOut);
    }
    if (stored > LAZY_MAX_STORED_VALUES)
      return {
        ok: false,
        reason: `network too large for the exact step sampler: about ${fmtBytes(8 * stored)} of state (limit ${fmtBytes(8 * LAZY_MAX_STORED_VALUES)})`,
      };
    return (
      tooSlow(lazyGdStepSeconds(N, inputs, units), `a GD step on ${N} networks (exact sampler)`) ?? {
        ok: true,
      }
    );
  }
  const cost = denseCost(widths, inputs);
  if (cost.bytes > FEASIBILITY_LIMITS.maxBytes)
    return {
      ok: false,
      reason: `a dense network of this size needs about ${fmtBytes(cost.bytes)} per worker (limit ${fmtBytes(FEASIBILITY_LIMITS.maxBytes)}); use method 'exact'`,
    };
  // forward + backward before the step, the update, forward + backward after: ≈ 3× one NTK evaluation
  return tooSlow(denseSeconds(3 * N * cost.flopsPerNetwork), `a GD step on ${N} dense networks`) ?? { ok: true };
}
