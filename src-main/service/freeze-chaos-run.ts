// Measured freeze/chaos points on the pool (Jacot et al. 2019, Sec. 2.1): one pool job per depth, in the order
// given; each finished depth is a progress point with the mean ± SE of ϑ and Θ(x,x) over the networks. The optional
// batch-norm check (Sec. 5.1, Lemma 1) is one dense float64 network, run here after the points.
import {
  FREEZE_CHAOS_LIMITS,
  type FreezeChaosBatchNorm,
  type FreezeChaosMeasuredPoint,
  type FreezeChaosParams,
} from '../../src-shared/contract/freeze-chaos';
import { Rng } from '../../src-shared/rng';
import { meanWithStderr } from '../../src-shared/stats/summary';
import { constantMode, freezeChaosModel } from '../../src-shared/theory/freeze-chaos/index';
import { batchNormGram, circleInputs } from '../engine/freeze-chaos-batchnorm';
import { tooSlow } from '../engine/sample-block';
import type { BlockOutput, WorkerPool } from '../engine/worker-pool';
import { LabServiceError } from './lab-error';

/**
 * Seconds per network, layer and unit of width of FreezeChaosFastSampler on one core (measured 0.8–2e-7 on a loaded
 * machine, ReLU to erf; padded).
 */
const SECONDS_PER_UNIT = 5e-7;

/** Feasibility: the sampler's time, the batch-norm Gram's cost, and what the theory accepts (φ, β). */
export function checkFreezeChaos(p: FreezeChaosParams): FreezeChaosParams {
  try {
    freezeChaosModel({ activation: p.activation, beta: p.beta, nonlinearity: p.nonlinearity });
  } catch (err) {
    throw new LabServiceError('bad-request', err instanceof Error ? err.message : String(err));
  }
  if (p.batchNorm && p.width === undefined)
    throw new LabServiceError('bad-request', 'batchNorm: needs a width (it is about a sampled network)');
  if (p.width !== undefined) {
    let seconds = 0;
    for (const L of p.depths) seconds += SECONDS_PER_UNIT * p.samples * L * p.width;
    const slow = tooSlow(seconds, `sampling ${p.samples} networks at ${p.depths.length} depths`);
    if (slow) throw new LabServiceError('refused', slow.reason);
  }
  if (p.batchNorm && p.width !== undefined) {
    const L = p.depths[0];
    if (L < 2 || L > FREEZE_CHAOS_LIMITS.bnDepthMax)
      throw new LabServiceError(
        'bad-request',
        `depth: batch norm needs a hidden layer, depth an integer in [2, ${FREEZE_CHAOS_LIMITS.bnDepthMax}], got ${L}`,
      );
    if (p.width > FREEZE_CHAOS_LIMITS.bnWidthMax)
      throw new LabServiceError('bad-request', `width: batch norm takes width ≤ ${FREEZE_CHAOS_LIMITS.bnWidthMax}`);
    const N = p.batchNorm.points;
    const cost = N * N * L * p.width * p.width;
    if (cost > FREEZE_CHAOS_LIMITS.bnCostMax)
      throw new LabServiceError(
        'refused',
        `the batch-norm Gram of N = ${N} points at width ${p.width}, depth ${L} costs N²·L·M² = ${cost.toExponential(2)}` +
          ` (limit ${FREEZE_CHAOS_LIMITS.bnCostMax.toExponential(0)}): use fewer points or a smaller width`,
      );
  }
  return p;
}

export async function runFreezeChaos(
  pool: WorkerPool,
  p: FreezeChaosParams,
  onPoint: (pt: FreezeChaosMeasuredPoint) => void,
  signal?: AbortSignal,
): Promise<FreezeChaosMeasuredPoint[]> {
  const points: FreezeChaosMeasuredPoint[] = [];
  if (p.width === undefined) return points;
  for (const depth of p.depths) {
    const start = performance.now();
    const diag = new Float64Array(p.samples);
    const vartheta = new Float64Array(p.samples);
    let merged = 0;
    const onBlocks = (blocks: BlockOutput[]): void => {
      for (const b of blocks) {
        if (!b.thetaOff) throw new Error('the freeze-chaos sampler returned no ϑ');
        diag.set(b.theta, merged);
        vartheta.set(b.thetaOff, merged);
        merged += b.theta.length;
      }
    };
    const { activation, nonlinearity, beta, width, cos, samples, seed } = p;
    await pool.run(
      { kind: 'freeze-chaos', params: { activation, nonlinearity, beta, depth, width, cos, samples, seed } },
      { onBlocks, signal },
    );
    const point: FreezeChaosMeasuredPoint = {
      depth,
      cos,
      width,
      samples: merged,
      seed,
      vartheta: meanWithStderr(vartheta.subarray(0, merged)),
      thetaDiag: meanWithStderr(diag.subarray(0, merged)),
      seconds: (performance.now() - start) / 1000,
    };
    points.push(point);
    onPoint(point);
  }
  return points;
}

/** Lemma 1 (with the factor N) and the constant mode of one network with post-nonlinearity batch norm. */
export function runFreezeChaosBatchNorm(p: FreezeChaosParams): FreezeChaosBatchNorm | undefined {
  if (!p.batchNorm || p.width === undefined) return undefined;
  const { placement, points } = p.batchNorm;
  const depth = p.depths[0];
  const model = freezeChaosModel({ activation: p.activation, beta: p.beta, nonlinearity: p.nonlinearity });
  const net = { sigma: model.nl.sigma, dsigma: model.nl.dsigma, beta: p.beta, depth, width: p.width, placement };
  const gram = batchNormGram(net, circleInputs(points), 2, new Rng(p.seed));
  const cm = constantMode(gram, points);
  const nBeta2 = points * p.beta * p.beta;
  let meanVartheta = 0;
  for (let i = 0; i < points; i++)
    for (let j = 0; j < points; j++)
      meanVartheta += gram[i * points + j] / Math.sqrt(gram[i * points + i] * gram[j * points + j]);
  return {
    placement,
    points,
    width: p.width,
    depth,
    seed: p.seed,
    nBeta2,
    rowSumMaxError: Math.max(...cm.rowSums.map((s) => Math.abs(s - nBeta2))),
    rayleigh: cm.rayleigh,
    topEigenvalue: cm.topEigenvalue,
    topOverlap: cm.topOverlap,
    topOverMean: cm.topOverMean,
    constantEigenvalue: cm.constantEigenvalue,
    constantOverlap: cm.constantOverlap,
    meanVartheta: meanVartheta / (points * points),
  };
}
