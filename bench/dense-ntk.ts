// Dense NTK throughput on TensorFlow.js per backend against a plain typed-array reference of the same computation,
// in the same run: B networks of depth L, width M (n₀ = M), ReLU, standard parametrization, one input, Θ(x, x).
// Two figures per engine, in networks·layers/s:
//   "sampled": draw the weights and compute Θ (what a measurement costs; the typed-array side is
//              src-main/engine/dense.ts sampleDense, the tfjs side sampleLayers + empiricalNtk);
//   "kernel only": Θ on weights already drawn (tfjs: empiricalNtk; typed-array: a float64 forward/backward loop).
// At k = 1 input the sampled figures are dominated by the Gaussian draws: the typed-array reference uses the polar
// method (Rng.normal), sampleLayers the ziggurat (engine/gamma.ts), both on xoshiro128**.
// Each figure is the best of a few repeats. Run alone: npx tsx bench/dense-ntk.ts
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../src-shared/rng';
import { sampleDense } from '../src-main/engine/dense';
import { initBackend, type BackendName } from '../src-main/tf/backend';
import { disposeLayers, empiricalNtk, sampleLayers } from '../src-main/tf/ntk';

const REPEATS = 3;
const M = 200,
  L = 20,
  B = 32;
const widths = [M, ...new Array<number>(L - 1).fill(M)];
const fmt = (x: number, digits = 3) => x.toPrecision(digits);

function best(run: () => void): number {
  let s = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    run();
    s = Math.min(s, (performance.now() - t0) / 1000);
  }
  return s;
}

/** Θ(e₁, e₁) of network t from float64 weights W[l] (row-major n_l × n_{l−1}), as dense.ts computes it. */
function kernelTypedArray(W: Float64Array[], x: Float64Array[], h: Float64Array[], d: Float64Array[]): number {
  for (let l = 1; l <= L; l++) {
    const nIn = widths[l - 1],
      nOut = l < L ? widths[l] : 1,
      Wl = W[l - 1],
      xi = x[l - 1],
      hl = h[l];
    for (let i = 0; i < nOut; i++) {
      let s = 0;
      const row = i * nIn;
      for (let j = 0; j < nIn; j++) s += Wl[row + j] * xi[j];
      hl[i] = s;
    }
    if (l < L) for (let i = 0, xo = x[l]; i < nOut; i++) xo[i] = hl[i] > 0 ? hl[i] : 0;
  }
  d[L][0] = 1;
  for (let l = L - 1; l >= 1; l--) {
    const no = widths[l],
      nUp = l + 1 < L ? widths[l + 1] : 1,
      Wu = W[l],
      dl = d[l],
      du = d[l + 1],
      hl = h[l];
    dl.fill(0);
    for (let i = 0; i < nUp; i++) {
      const di = du[i],
        row = i * no;
      for (let j = 0; j < no; j++) dl[j] += Wu[row + j] * di;
    }
    for (let j = 0; j < no; j++) if (!(hl[j] > 0)) dl[j] = 0;
  }
  let theta = 0;
  for (let l = 1; l <= L; l++) {
    const nOut = l < L ? widths[l] : 1;
    let dd = 0,
      xx = 0;
    for (let i = 0; i < nOut; i++) dd += d[l][i] * d[l][i];
    for (let j = 0; j < widths[l - 1]; j++) xx += x[l - 1][j] * x[l - 1][j];
    theta += dd * (xx + 1);
  }
  return theta;
}

function typedArrayRates(): { sampled: number; kernel: number } {
  const spec = { sigmaW2: 2, sigmaB2: 0, widths };
  sampleDense(spec, 2, new Rng(1, 0)); // JIT warm-up
  const n = 8;
  const sampled = (n * L) / best(() => sampleDense(spec, n, new Rng(2, 0)));
  // kernel only: the same B networks' weights, drawn once
  const rng = new Rng(3, 0);
  const nets = Array.from({ length: B }, () =>
    widths.map((nIn, i) => {
      const w = new Float64Array((i + 1 < L ? widths[i + 1] : 1) * nIn);
      rng.fillNormal(w, Math.sqrt(2 / nIn));
      return w;
    }),
  );
  const x = widths.map((w) => new Float64Array(w));
  x[0][0] = 1;
  const h = [new Float64Array(0), ...widths.slice(1).map((w) => new Float64Array(w)), new Float64Array(1)];
  const d = [new Float64Array(0), ...widths.slice(1).map((w) => new Float64Array(w)), new Float64Array(1)];
  let sink = 0;
  for (const W of nets.slice(0, 4)) sink += kernelTypedArray(W, x, h, d);
  const kernel =
    (B * L) /
    best(() => {
      for (const W of nets) sink += kernelTypedArray(W, x, h, d);
    });
  if (!Number.isFinite(sink)) throw new Error('reference kernel overflowed');
  return { sampled, kernel };
}

async function tfRates(name: BackendName): Promise<{ sampled: number; kernel: number; device: string } | string> {
  let device: string;
  try {
    device = (await initBackend({ prefer: name })).device;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const spec = { widths, sigmaW2: 2, sigmaB2: 0, parametrization: 'standard' as const };
  const opts = { activation: 'relu' as const, parametrization: 'standard' as const, sigmaW2: 2, sigmaB2: 0 };
  const x = tf.tensor2d([[1, ...new Array<number>(M - 1).fill(0)]]);
  const once = (layers: ReturnType<typeof sampleLayers>) => {
    const { ntk, outputs } = empiricalNtk(layers, x, opts);
    ntk.dataSync(); // wait for the device
    tf.dispose([ntk, outputs]);
  };
  const layers = sampleLayers(spec, B, 4);
  once(layers); // warm-up (kernel compilation, wasm init)
  const kernel = (B * L) / best(() => once(layers));
  disposeLayers(layers);
  const sampled =
    (B * L) /
    best(() => {
      const ls = sampleLayers(spec, B, 5);
      once(ls);
      disposeLayers(ls);
    });
  x.dispose();
  return { sampled, kernel, device };
}

export async function benchDenseNtk(): Promise<string[]> {
  const lines: string[] = [];
  lines.push(
    `dense NTK: M = ${M}, L = ${L}, ReLU, 1 input, tfjs batches of B = ${B}; networks·layers/s, best of ${REPEATS}; load average ${loadavg()[0].toFixed(2)}`,
  );
  const ref = typedArrayRates();
  lines.push(`  typed-array (float64, 1 thread): sampled ${fmt(ref.sampled)}, kernel only ${fmt(ref.kernel)}`);
  let fastest = { name: 'typed-array', sampled: ref.sampled };
  for (const name of ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const) {
    const r = await tfRates(name);
    if (typeof r === 'string') {
      lines.push(`  tfjs ${name}: unavailable (${r})`);
      continue;
    }
    lines.push(
      `  tfjs ${name} [${r.device}]: sampled ${fmt(r.sampled)} (${fmt(r.sampled / ref.sampled)}× typed-array), ` +
        `kernel only ${fmt(r.kernel)} (${fmt(r.kernel / ref.kernel)}× typed-array)`,
    );
    if (r.sampled > fastest.sampled) fastest = { name: `tfjs ${name}`, sampled: r.sampled };
  }
  lines.push(`  fastest for dense sampling on this machine: ${fastest.name}`);
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await benchDenseNtk()) console.log(line);
}
