// NTK change during training, one cell of the trust map (Seleznova 2024 thesis §3.1 = Seleznova & Kutyniok 2022a, §4):
// full-batch gradient descent with MSE on `trainSize` MNIST digits, and at the recorded steps the relative change of
// the empirical NTK Gram on those digits, ‖Θᵗ − Θ⁰‖_F / ‖Θ⁰‖_F, with the loss; early stopping as in the paper (the loss
// fell by less than earlyStopDelta over the last earlyStopWindow steps), at most maxSteps updates.
//
// The net is the lab's Mlp (mlp.ts), standard parametrization, 10 outputs with one-hot targets and the loss
// ½‖f − y‖² averaged over the digits. Θ = Σ_k Θ_kk (train-dynamics.ts traceNtk), each Θ_kk the scalar empirical NTK of
// the ntk task (ntk.ts empiricalNtk). Kernels and norms are accumulated in float64 from float32 Gram entries.
// Deterministic for a seed on a given backend: init Rng(seed, 0), digits Rng(seed, 1) (mnist-data.ts).
import * as tf from '@tensorflow/tfjs-core';
import type {
  NtkChangeParams,
  NtkChangeRecord,
  NtkChangeStop,
  NtkChangeSummary,
} from '../../../src-shared/contract/ntk-change';
import { loadMnist, MNIST_CLASSES, MNIST_INPUT_DIM, type Split } from './mnist-data';
import { makeOptimizer, Mlp } from './mlp';
import { traceNtk } from './train-dynamics';

export interface NtkChangeOptions {
  /** Awaited between GD steps (the TF worker's checkpoint: yields, waits while paused, throws when cancelled). */
  checkpoint?: () => Promise<void>;
  /** Checked between steps: true ends the run (stop 'cancelled'; the records so far stand). */
  cancelled?: () => boolean;
  /** Each record as it is made. */
  onRecord?: (r: NtkChangeRecord) => void;
}

export interface NtkChangeResult {
  records: NtkChangeRecord[];
  summary: NtkChangeSummary;
}

/** ‖A − B‖_F (B omitted: ‖A‖_F), float64. */
export function frobenius(a: Float64Array, b?: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = b ? a[i] - b[i] : a[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

let cachedData: { key: string; split: Split } | undefined;

/** The digits of a run (cached per process: a sweep's cells share them). */
function trainingDigits(trainSize: number, seed: number): Split {
  const key = `${trainSize}|${seed}`;
  if (cachedData?.key !== key)
    cachedData = { key, split: loadMnist({ trainSize, testSize: 1, seed, normalization: 'unit' }).train };
  return cachedData.split;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Train one cell (see the file comment). `p` as the ntk-change kind resolved it (not re-validated here). */
export async function trainNtkChange(p: NtkChangeParams, opts: NtkChangeOptions = {}): Promise<NtkChangeResult> {
  const t0 = performance.now();
  const cancelled = opts.cancelled ?? (() => false);
  const data = trainingDigits(p.trainSize, p.seed);
  const net = new Mlp({
    widths: [MNIST_INPUT_DIM, ...Array<number>(p.depth - 1).fill(p.width), MNIST_CLASSES],
    activation: p.activation,
    sigmaW2: p.sigmaW2,
    sigmaB2: p.sigmaB2,
    parametrization: 'standard',
    seed: p.seed,
  });
  const optimizer = makeOptimizer('sgd', p.lr);
  const x = tf.tensor2d(data.x, [data.count, MNIST_INPUT_DIM]);
  const y = tf.tensor2d(data.y, [data.count, MNIST_CLASSES]);
  const recordAt = new Set(p.steps);
  const records: NtkChangeRecord[] = [];
  const window = new Float64Array(p.earlyStopWindow + 1); // loss[t − W … t], ring buffer
  let minLoss = Infinity;
  let minLossStep = 0;
  let theta0: Float64Array | undefined;
  let norm0 = NaN;

  const record = async (step: number, loss: number, final: boolean): Promise<NtkChangeRecord> => {
    const K = await traceNtk(net, x);
    if (!theta0) {
      theta0 = K;
      norm0 = frobenius(K);
    }
    const change = step === 0 ? 0 : frobenius(K, theta0) / norm0;
    const r: NtkChangeRecord = {
      step,
      loss: finite(loss),
      relativeChange: Number.isFinite(loss) ? finite(change) : null,
      minLoss: finite(minLoss),
      kernelNorm: finite(frobenius(K)),
      ...(final ? { final: true } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
    records.push(r);
    opts.onRecord?.(r);
    return r;
  };

  let stop: NtkChangeStop;
  let t = 0;
  try {
    for (; ; t++) {
      if (cancelled()) {
        stop = 'cancelled';
        break;
      }
      // the loss at θ_t and its gradient; the update is applied only if training goes on
      const { value: loss, grads } = await net.gradients(x, y, 'mse');
      let end: NtkChangeStop | undefined;
      if (!Number.isFinite(loss)) end = 'diverged';
      else {
        if (loss < minLoss) {
          minLoss = loss;
          minLossStep = t;
        }
        window[t % window.length] = loss;
        // the paper's rule: the loss did not decrease by at least earlyStopDelta in earlyStopWindow consecutive steps
        if (t >= p.earlyStopWindow && window[(t - p.earlyStopWindow) % window.length] - loss < p.earlyStopDelta)
          end = 'early-stop';
        else if (t >= p.maxSteps) end = 'max-steps';
      }
      if (end !== undefined) {
        tf.dispose(grads);
        stop = end;
        await record(t, loss, true);
        break;
      }
      if (t === 0 || recordAt.has(t)) await record(t, loss, false);
      optimizer.applyGradients(grads);
      tf.dispose(grads);
      if (opts.checkpoint) await opts.checkpoint();
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    net.dispose();
  }
  const last = records[records.length - 1];
  return {
    records,
    summary: {
      stoppedAt: t,
      stop,
      minLoss: finite(minLoss),
      minLossStep,
      finalChange: last?.final ? last.relativeChange : null,
      records: records.length,
      seconds: (performance.now() - t0) / 1000,
    },
  };
}

/**
 * Task handler for the TF worker: params checked and resolved by the ntk-change kind; emits each record; a cancel
 * seen at a checkpoint ends the run like `cancelled()` (the records so far stand, stop 'cancelled').
 */
export async function ntkChangeTask(
  params: unknown,
  ctx: { emit(record: unknown): void; cancelled(): boolean; checkpoint?: () => Promise<void> },
): Promise<NtkChangeResult> {
  const checkpoint = ctx.checkpoint;
  return trainNtkChange(params as NtkChangeParams, {
    cancelled: () => ctx.cancelled(),
    checkpoint:
      checkpoint && (() => checkpoint().catch((err: unknown) => (ctx.cancelled() ? undefined : Promise.reject(err)))),
    onRecord: (r) => ctx.emit(r),
  });
}
