// Measured DKS maps on the pool (src-shared/contract/dks-measure.ts): one pool job per (width, layer), widths outer;
// each finished pair is a progress point with the maps' prediction next to it (Martens et al. 2021 (DKS), Sec. 6–7).
import type {
  DksMeasureNtkPoint,
  DksMeasureParams,
  DksMeasurePoint,
  DksMeasureSetup,
} from '../../src-shared/contract/dks-measure';
import {
  DksNoRootError,
  chainMap,
  chainNtk,
  getDksActivation,
  invertMaximalSlope,
  solveDks,
  transformActivation,
} from '../../src-shared/theory/dks';
import { dispersionEstimate } from '../../src-shared/stats/ratio-estimator';
import { deltaMethodStderr, meanWithStderr, normalizeForDispersion } from '../../src-shared/stats/summary';
import { LAZY_MAX_STORED_VALUES } from '../engine/lazy-gaussian';
import { tooSlow } from '../engine/sample-block';
import type { BlockOutput, WorkerPool } from '../engine/worker-pool';
import { LabServiceError } from './lab-error';

/** Seconds per unit (one network, one unit of width, one layer) on one core: 2 normals and 2 φ (measured ~130 ns). */
const SECONDS_PER_UNIT = 1.5e-7;

/** Checked params: the transform and the prediction resolved, so that what runs is exactly what was checked. */
export interface DksMeasureChecked extends DksMeasureParams {
  setup: DksMeasureSetup;
  /** predicted q_l, c_l for l = 0 … max(layers) */
  predictedQ: number[];
  predictedC: number[];
  /** Θ of the infinite-width NTK recursion at depth D (params.ntk), else null. */
  predictedTheta: number | null;
}

/** Seconds per unit of the NTK sampler (one network, one unit, one layer; forward and backward: ~3× the maps'). */
const NTK_SECONDS_PER_UNIT = 5e-7;

export function checkDksMeasure(p: DksMeasureParams): DksMeasureChecked {
  const base = getDksActivation(p.activation);
  const psi = invertMaximalSlope({ kind: 'chain', depth: p.depth }, p.zeta);
  let transform: DksMeasureSetup['transform'] = null;
  if (p.transform === 'dks') {
    try {
      const r = solveDks(base, psi).roots[0];
      transform = { alpha: r.alpha, beta: r.beta, gamma: r.gamma, delta: r.delta };
    } catch (err) {
      if (err instanceof DksNoRootError) throw new LabServiceError('bad-request', err.message);
      throw err;
    }
  }
  const last = Math.max(...p.layers);
  const units = p.samples * p.widths.reduce((a, w) => a + w, 0) * p.layers.reduce((a, l) => a + l, 0);
  const ntkUnits = p.ntk ? p.samples * p.widths.reduce((a, w) => a + w, 0) * p.depth : 0;
  const slow = tooSlow(
    units * SECONDS_PER_UNIT + ntkUnits * NTK_SECONDS_PER_UNIT,
    `sampling ${p.samples} chains at ${p.widths.length} widths`,
  );
  if (slow) throw new LabServiceError('refused', slow.reason);
  const act = transform ? transformActivation(base, transform) : base;
  let m;
  try {
    m = chainMap(act, [p.cos], last);
  } catch (err) {
    // e.g. q runs to 0 with depth (swish, GELU untransformed): no prediction to compare with
    throw new LabServiceError('refused', `no prediction: ${err instanceof Error ? err.message : String(err)}`);
  }
  let predictedTheta: number | null = null;
  if (p.ntk) {
    // the lazy NTK sampler keeps ~6·M·D values per network (forward and backward buffers)
    const stored = 6 * Math.max(...p.widths) * p.depth;
    if (stored > LAZY_MAX_STORED_VALUES)
      throw new LabServiceError(
        'refused',
        `the NTK of a depth-${p.depth} chain at width ${Math.max(...p.widths)} needs ~${stored} stored values ` +
          `(limit ${LAZY_MAX_STORED_VALUES}): use a smaller width or depth`,
      );
    try {
      predictedTheta = chainNtk(act, p.depth)[p.depth];
    } catch (err) {
      throw new LabServiceError('refused', `no NTK prediction: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return {
    ...p,
    setup: { psi, transform },
    predictedQ: Array.from(m.q),
    predictedC: Array.from(m.c),
    predictedTheta,
  };
}

/** Per width: Θ(x, x) of N networks of the D-layer chain, E[Θ] and E[Θ²]/E[Θ]² ± SE, next to the M → ∞ values. */
export async function runDksMeasureNtk(
  pool: WorkerPool,
  p: DksMeasureChecked,
  onPoint: (pt: DksMeasureNtkPoint) => void,
  signal?: AbortSignal,
): Promise<DksMeasureNtkPoint[]> {
  if (p.predictedTheta === null) return [];
  const points: DksMeasureNtkPoint[] = [];
  for (const width of p.widths) {
    const start = performance.now();
    const theta = new Float64Array(p.samples);
    let merged = 0;
    await pool.run(
      {
        kind: 'dks-chain',
        params: {
          ntk: true,
          activation: p.activation,
          transform: p.setup.transform,
          width,
          depth: p.depth,
          cos: p.cos,
          samples: p.samples,
          seed: p.seed,
        },
      },
      {
        onBlocks: (blocks: BlockOutput[]) => {
          for (const b of blocks) {
            theta.set(b.theta, merged);
            merged += b.theta.length;
          }
        },
        signal,
      },
    );
    const t = theta.subarray(0, merged);
    const point: DksMeasureNtkPoint = {
      width,
      depth: p.depth,
      theta: meanWithStderr(t),
      dispersion: { estimate: dispersionEstimate(t), stderr: deltaMethodStderr(normalizeForDispersion(t)) },
      predicted: { theta: p.predictedTheta, dispersion: 1 },
      samples: merged,
      seconds: (performance.now() - start) / 1000,
    };
    points.push(point);
    onPoint(point);
  }
  return points;
}

export async function runDksMeasure(
  pool: WorkerPool,
  p: DksMeasureChecked,
  onPoint: (pt: DksMeasurePoint) => void,
  signal?: AbortSignal,
): Promise<DksMeasurePoint[]> {
  const points: DksMeasurePoint[] = [];
  for (const width of p.widths) {
    for (const layer of p.layers) {
      const start = performance.now();
      const c = new Float64Array(p.samples);
      const q = new Float64Array(p.samples);
      let merged = 0;
      const onBlocks = (blocks: BlockOutput[]): void => {
        for (const b of blocks) {
          if (!b.thetaOff) throw new Error('the DKS chain sampler returned no q values');
          c.set(b.theta, merged);
          q.set(b.thetaOff, merged);
          merged += b.theta.length;
        }
      };
      await pool.run(
        {
          kind: 'dks-chain',
          params: {
            activation: p.activation,
            transform: p.setup.transform,
            width,
            depth: layer,
            cos: p.cos,
            samples: p.samples,
            seed: p.seed,
          },
        },
        { onBlocks, signal },
      );
      const point: DksMeasurePoint = {
        width,
        layer,
        q: meanWithStderr(q.subarray(0, merged)),
        c: meanWithStderr(c.subarray(0, merged)),
        predicted: { q: p.predictedQ[layer], c: p.predictedC[layer] },
        samples: merged,
        seconds: (performance.now() - start) / 1000,
      };
      points.push(point);
      onPoint(point);
    }
  }
  return points;
}
