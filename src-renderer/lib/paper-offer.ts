// The "paper size" offer: the Fig. 4 training-dynamics preset (Seleznova & Kutyniok 2022) and the Fig. 3
// trainability preset (Xiao et al. 2020) offer themselves only when a GPU backend runs — tfjs-node-gpu on a CUDA
// device, or webgpu on a hardware adapter (a software adapter such as SwiftShader emulates the GPU on the CPU) — with
// a time estimate from one measured step on that backend. Pure logic; the probe job runs in paper-offer-probe.ts.
import type { TensorflowInfo } from '../../src-shared/contract/messages';
import {
  estimateTrainDynamicsCost,
  PAPER_SIZE as FIG4,
  trainDynamicsParamsSchema,
  type TrainDynamicsParamsInput,
} from '../../src-shared/contract/train-dynamics';
import { PAPER_SIZE as FIG3 } from '../../src-shared/contract/trainability';
import { formatDuration } from './format';
import { axisValues } from './trainability-view';

export type GpuBackend = { active: true; device: string } | { active: false; reason: string };

/** Whether a GPU backend is active, and if not, why not (the reason always starts "no GPU backend"). */
export function gpuBackend(tf: TensorflowInfo | undefined): GpuBackend {
  if (!tf) return { active: false, reason: 'no GPU backend (this lab reports no TensorFlow.js engine)' };
  if (tf.state === 'detecting') return { active: false, reason: 'no GPU backend (TensorFlow.js not detected yet)' };
  if (tf.state === 'failed') return { active: false, reason: `no GPU backend (TensorFlow.js failed: ${tf.error})` };
  const device = tf.device ?? '';
  if (tf.backend === 'tensorflow-gpu' && !/^CPU/i.test(device)) return { active: true, device };
  if (tf.backend === 'webgpu' && tf.adapter && !tf.adapter.software) return { active: true, device };
  if (tf.backend === 'webgpu')
    return {
      active: false,
      reason: `no GPU backend (webgpu runs on a software adapter: ${tf.adapter?.description || device})`,
    };
  return { active: false, reason: `no GPU backend (tfjs ${tf.backend} on the CPU)` };
}

/** The probe: Fig. 4's network and data, 6 steps, records at 0, 1 and 6 (one σ_w²; the records time the steps). */
export const PROBE_STEPS = 6;
export const PROBE_PARAMS: TrainDynamicsParamsInput = {
  ...FIG4,
  sigmaW2: 2,
  steps: PROBE_STEPS,
  recordAt: [0, 1, PROBE_STEPS],
};

/**
 * Seconds per Fig. 4 training step from the probe's records (wall seconds at steps 0, 1 and 6): t₁ − t₀ is one step
 * plus one record, t₆ − t₁ five steps plus one record, so their difference is four steps with the record cancelled.
 * null when the records are missing or the difference is not positive (timer noise): no estimate, rather than a
 * wrong one.
 */
export function stepSecondsFromProbe(records: readonly { step: number; seconds: number }[]): number | null {
  const at = (s: number) => records.find((r) => r.step === s)?.seconds;
  const [t0, t1, t6] = [at(0), at(1), at(PROBE_STEPS)];
  if (t0 === undefined || t1 === undefined || t6 === undefined) return null;
  const s = (t6 - t1 - (t1 - t0)) / (PROBE_STEPS - 2);
  return Number.isFinite(s) && s > 0 ? s : null;
}

/** Flops of one training step (6 per parameter and sample) of an MLP 784 → width × (depth − 1) → 10 on `batch`. */
function stepFlops(depth: number, width: number, batch: number): number {
  const base = trainDynamicsParamsSchema.parse({ ...FIG4, recordAt: undefined });
  return estimateTrainDynamicsCost({ ...base, depth, width, batchSize: batch, steps: 1 }, 0).flops;
}

const stepText = (s: number): string => (s < 1 ? `${(s * 1000).toPrecision(3)} ms` : formatDuration(s));

export interface PresetWork {
  /** Training steps of all cells / runs together, in units of one probe (Fig. 4) step. */
  probeSteps: number;
  /** "3 runs × 3,000 steps" */
  describe: string;
}

/** Fig. 4: one run per σ_w² (3), 3,000 full-batch steps each: exactly probe steps. */
export function fig4Work(runs = 3): PresetWork {
  return { probeSteps: runs * (FIG4.steps ?? 0), describe: `${runs} runs × ${FIG4.steps} steps` };
}

/**
 * Fig. 3: 20 σ_w² × 20 depths, 2,000 steps of batch 1,024 at width 1,024; each cell's step scaled from the measured
 * Fig. 4 step by its flops (depths from the grid, evenly spaced and rounded as the sweep rounds them).
 */
export function fig3Work(): PresetWork {
  const g = FIG3.grid!;
  const probe = stepFlops(FIG4.depth ?? 20, FIG4.width ?? 300, FIG4.batchSize ?? 9000);
  const depths = g.depth ? axisValues(g.depth).map(Math.round) : [];
  const sigmas = axisValues(g.sigmaW2).length;
  let sum = 0;
  for (const depth of depths) sum += stepFlops(depth, FIG3.width ?? 1024, FIG3.batchSize ?? 1024) / probe;
  const cells = depths.length * sigmas;
  return { probeSteps: sum * sigmas * (FIG3.steps ?? 0), describe: `${cells} cells × ${FIG3.steps} steps` };
}

export type PaperOffer =
  { offered: false; reason: string } | { offered: true; device: string; seconds: number | null; text: string };

/**
 * The offer for one preset. `stepSeconds`: the measured Fig. 4 step on the active backend (null while measuring or
 * when the probe failed; `probeError` says why).
 */
export function paperOffer(
  tf: TensorflowInfo | undefined,
  work: PresetWork,
  stepSeconds: number | null,
  probeError = '',
): PaperOffer {
  const gpu = gpuBackend(tf);
  if (!gpu.active) return { offered: false, reason: gpu.reason };
  if (stepSeconds === null) {
    const why = probeError ? `no time estimate: ${probeError}` : 'measuring one step for a time estimate…';
    return { offered: true, device: gpu.device, seconds: null, text: `Paper size runs here on ${gpu.device}; ${why}` };
  }
  const seconds = stepSeconds * work.probeSteps;
  return {
    offered: true,
    device: gpu.device,
    seconds,
    text:
      `Paper size runs here on ${gpu.device}: ≈ ${formatDuration(seconds)} of training (${work.describe}; an ` +
      `estimate from one measured step of ${stepText(stepSeconds)}, records not included)`,
  };
}
