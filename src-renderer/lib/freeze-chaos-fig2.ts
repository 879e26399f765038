// Jacot et al. 2019, Fig. 2 (left and middle columns): the first 8 eigenvectors of the infinite-width NTK Gram matrix
// of a 2-D DC-NN with L = 3 on 4 inputs, with the parametrization of Sec. 2.2 ("classic") and with the modifications
// of Sec. 6 (parent-based parametrization + the Sec. 6.1 layer learning rates), one row per nonlinearity. Each
// eigenvector lives on (input, output pixel) and is drawn as 4 images.
// What the paper leaves unspecified, and what is used here: β = 0.1 (the paper's "numerical experiments" value);
// stride 2 and window 4 × 4 (w = 2) in both dimensions; a 1 × 1 latent input with n₀ = 8 channels (a generator's
// code), the 4 codes drawn N(0, I₈) from the seed and put on the sphere, so the inputs enter only through their 4 × 4
// cosines; "full" transposed convolutions with borders (1 → 4 → 10 → 22: 22 × 22 images). The infinite-width Gram
// (the paper does not say whether its Gram is empirical). The Batch-Norm row has no infinite-width formula and the
// GAN column needs CelebA and a GPU: both are absent.
import { Rng } from '../../src-shared/rng';
import {
  dcnnGrid,
  freezeChaosModel,
  topEigenpairs,
  type DcnnGridSpec,
  type NonlinearityMode,
} from '../../src-shared/theory/freeze-chaos/index';

export interface Fig2Request {
  activation: string;
  beta: number;
  /** One row per mode (Fig. 2: ReLU = standardized, normalized ReLU = normalized). */
  modes: NonlinearityMode[];
  seed: number;
  /** Eigenvectors per configuration (the paper shows 8). */
  count: number;
}

export const FIG2_REQUEST: Fig2Request = {
  activation: 'relu',
  beta: 0.1,
  modes: ['standardized', 'normalized'],
  seed: 1,
  count: 8,
};
export const FIG2_INPUTS = 4;
export const FIG2_CHANNELS = 8;
const GEOMETRY = { stride: [2, 2], window: [2, 2], inputShape: [1, 1], depth: 3 } as const;

export const FIG2_COLUMNS = [
  { key: 'classic', label: 'Sec. 2.2 parametrization', parametrization: 'classic', lrScaling: 'none' },
  { key: 'modified', label: 'Sec. 6: parent-based + layer rates', parametrization: 'parent', lrScaling: 'sec6.1' },
] as const;
export type Fig2ColumnKey = (typeof FIG2_COLUMNS)[number]['key'];

export interface Fig2Config {
  mode: NonlinearityMode;
  column: Fig2ColumnKey;
  /** Descending; values.length eigenpairs. */
  values: number[];
  /** λ₁ / mean eigenvalue (trace/n): how strongly the top mode dominates. */
  topOverMean: number;
  /** Largest ‖Θv − λv‖/λ₁ of the pairs shown (Lanczos accuracy). */
  residual: number;
  /** vectors[k]: length inputs·pixels, input-major, pixels row-major; sign fixed so the largest |entry| is > 0. */
  vectors: Float64Array[];
}

export interface Fig2View {
  request: Fig2Request;
  /** Output image side (22). */
  side: number;
  inputs: number;
  /** The inputs' cosines x_aᵀx_b/n₀, row-major 4 × 4. */
  inputCosines: number[];
  configs: Fig2Config[];
  millis: number;
}

/** The 4 latent codes' cosines: N(0, I₈) draws from the seed, normalized. */
export function latentCosines(seed: number, inputs = FIG2_INPUTS, channels = FIG2_CHANNELS): Float64Array {
  const rng = new Rng(seed);
  const z = Array.from({ length: inputs }, () => {
    const v = Array.from({ length: channels }, () => rng.normal());
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
  const g = new Float64Array(inputs * inputs);
  for (let a = 0; a < inputs; a++)
    for (let b = 0; b < inputs; b++) g[a * inputs + b] = a === b ? 1 : z[a].reduce((s, x, i) => s + x * z[b][i], 0);
  return g;
}

export function validateFig2(q: Fig2Request): void {
  if (!(Number.isFinite(q.beta) && q.beta >= 0 && q.beta <= 1))
    throw new RangeError(`β: must be a number in [0, 1], got ${q.beta}`);
  if (!(Number.isInteger(q.count) && q.count >= 1 && q.count <= 16))
    throw new RangeError(`eigenvectors: must be an integer in [1, 16], got ${q.count}`);
  if (!(Number.isInteger(q.seed) && q.seed >= 0 && q.seed <= 0xffffffff))
    throw new RangeError(`seed: must be an integer in [0, 4294967295], got ${q.seed}`);
  if (q.modes.length < 1 || q.modes.length > 2) throw new RangeError('modes: one or two nonlinearity modes');
}

export function computeFig2(q: Fig2Request, now: () => number = () => Date.now()): Fig2View {
  validateFig2(q);
  const t0 = now();
  const gram = latentCosines(q.seed);
  const configs: Fig2Config[] = [];
  let side = 0;
  for (const mode of q.modes) {
    const model = freezeChaosModel({ activation: q.activation, nonlinearity: mode, beta: q.beta });
    for (const col of FIG2_COLUMNS) {
      const spec: DcnnGridSpec = { ...GEOMETRY, parametrization: col.parametrization, lrScaling: col.lrScaling };
      const grid = dcnnGrid(model, spec, FIG2_INPUTS, gram);
      side = grid.shape[0];
      const n = grid.inputs * grid.positions;
      const top = topEigenpairs(grid.theta, n, q.count, 6 * q.count + 60);
      const vectors = Array.from({ length: top.values.length }, (_, k) => {
        const v = top.vectors.slice(k * n, (k + 1) * n);
        let big = 0;
        for (let i = 0; i < n; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
        if (v[big] < 0) for (let i = 0; i < n; i++) v[i] = -v[i];
        return v;
      });
      configs.push({
        mode,
        column: col.key,
        values: Array.from(top.values),
        topOverMean: top.values[0] / top.meanEigenvalue,
        residual: Math.max(...top.residuals) / top.values[0],
        vectors,
      });
    }
  }
  return { request: q, side, inputs: FIG2_INPUTS, inputCosines: Array.from(gram), configs, millis: now() - t0 };
}

/**
 * One eigenvector image (side × side, row 0 at the top) into RGBA with a diverging scale symmetric about 0: value v
 * takes colour index round((v/maxAbs + 1)/2·(size − 1)) of `lut` (packed rgb), so 0 is the middle colour.
 */
export function paintEigenImage(
  values: ArrayLike<number>,
  offset: number,
  side: number,
  maxAbs: number,
  lut: Uint8Array,
  out: Uint8ClampedArray,
): void {
  const size = lut.length / 3;
  for (let i = 0; i < side * side; i++) {
    const t = maxAbs > 0 ? Math.max(-1, Math.min(1, values[offset + i] / maxAbs)) : 0;
    const k = 3 * Math.round(((t + 1) / 2) * (size - 1));
    out[4 * i] = lut[k];
    out[4 * i + 1] = lut[k + 1];
    out[4 * i + 2] = lut[k + 2];
    out[4 * i + 3] = 255;
  }
}

/** Every pixel of every eigenvector shown: mode, column, k, eigenvalue, input, row, col, value. */
export function fig2Csv(view: Fig2View): string {
  const lines = ['mode,column,k,eigenvalue,input,row,col,value'];
  const px = view.side * view.side;
  for (const c of view.configs)
    c.vectors.forEach((v, k) => {
      for (let a = 0; a < view.inputs; a++)
        for (let i = 0; i < px; i++)
          lines.push(
            `${c.mode},${c.column},${k + 1},${c.values[k]},${a},${Math.floor(i / view.side)},${i % view.side},${v[a * px + i]}`,
          );
    });
  return lines.join('\n') + '\n';
}
