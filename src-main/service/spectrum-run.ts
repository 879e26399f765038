// An NTK-spectrum measurement on the pool (Xiao et al. 2020, Fig. 1 on finite networks): one pool job per depth, in the
// order given; each finished depth is a progress point. E[λ_max] and E[bulk] with their SEs, κ = E[λ_max]/E[bulk]
// with the delta-method SE of a ratio of means over the same networks.
import type { NtkSpectrumParams, SpectrumPoint } from '../../src-shared/contract/ntk-spectrum';
import { ratioOfPairedMeans } from '../../src-shared/stats/relative-change';
import { meanWithStderr } from '../../src-shared/stats/summary';
import type { SamplerActivationName as Activation } from '../../src-shared/network/activations';
import { LAZY_MAX_STORED_VALUES } from '../engine/lazy-gaussian';
import type { BlockOutput, WorkerPool } from '../engine/worker-pool';
import { tooSlow } from '../engine/sample-block';
import { spectrumSamplingSeconds } from '../../src-shared/network/cost-model';
import { LabServiceError } from './lab-error';

export function checkSpectrumFeasible(p: NtkSpectrumParams): { ok: true } | { ok: false; reason: string } {
  const m = p.inputs;
  let seconds = 0;
  for (const L of p.depths) {
    const stored = L * m * (6 * p.width);
    if (stored > LAZY_MAX_STORED_VALUES)
      return {
        ok: false,
        reason: `depth ${L} with ${m} inputs at width ${p.width} needs about ${((8 * stored) / 2 ** 20).toFixed(0)} MiB of sampler state (limit ${(8 * LAZY_MAX_STORED_VALUES) / 2 ** 20} MiB)`,
      };
    seconds += spectrumSamplingSeconds(p.samples, m, L, p.width);
  }
  return tooSlow(seconds, `sampling ${p.samples} networks at ${p.depths.length} depths on ${m} inputs`) ?? { ok: true };
}

export async function runSpectrum(
  pool: WorkerPool,
  p: NtkSpectrumParams,
  onPoint: (pt: SpectrumPoint) => void,
  signal?: AbortSignal,
): Promise<SpectrumPoint[]> {
  const points: SpectrumPoint[] = [];
  for (const depth of p.depths) {
    const start = performance.now();
    const lambdaMax = new Float64Array(p.samples),
      bulk = new Float64Array(p.samples);
    let merged = 0;
    const onBlocks = (blocks: BlockOutput[]): void => {
      for (const b of blocks) {
        if (!b.lambdaMax || !b.bulk) throw new Error('the spectrum sampler returned no eigenvalues');
        lambdaMax.set(b.lambdaMax, merged);
        bulk.set(b.bulk, merged);
        merged += b.lambdaMax.length;
      }
    };
    await pool.run(
      {
        kind: 'ntk-gram',
        params: {
          activation: p.activation as Activation,
          sigmaW2: p.sigmaW2,
          sigmaB2: p.sigmaB2,
          width: p.width,
          depth,
          inputs: p.inputs,
          inputCos: p.inputCos,
          samples: p.samples,
          seed: p.seed,
        },
      },
      { onBlocks, signal },
    );
    let kappa;
    try {
      kappa = ratioOfPairedMeans(lambdaMax, bulk);
    } catch (err) {
      throw new LabServiceError(
        'failed',
        `the spectrum at depth ${depth} cannot be summarized: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const point: SpectrumPoint = {
      depth,
      lambdaMax: meanWithStderr(lambdaMax),
      bulk: meanWithStderr(bulk),
      kappa,
      samples: merged,
      seconds: (performance.now() - start) / 1000,
    };
    points.push(point);
    onPoint(point);
  }
  return points;
}
