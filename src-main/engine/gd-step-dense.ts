// Dense float64 reference for the first GD step (Seleznova & Kutyniok 2022, Thm 4.1 / App. A.3): materializes every W_l
// and b_l,
// runs forward and backward on x, forms W′_l = W_l − ε cW_l δ_l x_{l−1}ᵀ and b′_l = b_l − ε cB_l δ_l explicitly
// (ε = η(f − y)/α², cW = cB = 1 in standard parametrization) and runs forward and backward again from scratch on
// the new weights. No algebra shared with the exact sampler beyond the definitions: the slow, assumption-free check.
// Θ(x_a, x_b) = Σ_l ⟨δ_l^a, δ_l^b⟩(cW_l⟨x_{l−1}^a, x_{l−1}^b⟩ + cB_l) (Seleznova & Kutyniok 2022, eq. 19). O(L·M²) per
// network.
import type { Rng } from '../../src-shared/rng';
import { activationFor } from '../../src-shared/network/activations';
import { normalZiggurat } from './gamma';
import { gdStepSetup, packSamples, type GdStepSamples, type GdStepSetup, type GdStepSpec } from './gd-step-exact';

/** Weights of one network: W[l−1] is W_l row-major (n_l × n_{l−1}), b[l−1] is b_l (length n_l), l = 1..L. */
export interface DenseWeights {
  W: Float64Array[];
  b: Float64Array[];
}

/** Θ and f before and after one GD step on (x, y), for the given weights (rescaled by α as in GdStepSpec.scale). */
export interface GdStepResult {
  theta: number;
  thetaAfter: number;
  /** Θ(x, x̃) before/after (when xTilde is given). */
  thetaOff?: number;
  thetaOffAfter?: number;
  output: number;
  outputAfter: number;
  /** false when some value overflowed (divergent step); the numbers are then not meaningful. */
  finite: boolean;
}

/** Forward/backward workspace for one network of fixed widths and up to two inputs. */
class DenseNet {
  readonly L: number;
  readonly n: number[];
  readonly h: Float64Array[][]; // h[a][l], l = 1..L (h[a][L] has length 1)
  readonly xs: Float64Array[][]; // xs[a][l], l = 0..L−1 (xs[a][0] = input)
  readonly d: Float64Array[][]; // d[a][l] = δ_l, l = 1..L
  private readonly phi: (x: number) => number;
  private readonly dphi: (x: number) => number;

  constructor(private readonly s: GdStepSetup) {
    this.L = s.depth;
    this.n = s.n;
    const fns = activationFor('samplers', s.act);
    this.phi = fns.phi;
    this.dphi = fns.dphi;
    this.h = [];
    this.xs = [];
    this.d = [];
    for (let a = 0; a < 2; a++) {
      const h: Float64Array[] = [new Float64Array(0)],
        d: Float64Array[] = [new Float64Array(0)],
        x: Float64Array[] = [];
      for (let l = 0; l <= this.L; l++) {
        if (l < this.L) x.push(new Float64Array(this.n[l]));
        if (l >= 1) {
          h.push(new Float64Array(this.n[l]));
          d.push(new Float64Array(this.n[l]));
        }
      }
      this.h.push(h);
      this.xs.push(x);
      this.d.push(d);
    }
  }

  /** Forward and backward for input slot a (xs[a][0] must hold the input); returns f. */
  pass(w: DenseWeights, a: number): number {
    const { L, n, phi, dphi } = this;
    const h = this.h[a],
      x = this.xs[a],
      d = this.d[a];
    for (let l = 1; l <= L; l++) {
      const W = w.W[l - 1],
        b = w.b[l - 1],
        ni = n[l - 1],
        no = n[l],
        xi = x[l - 1],
        hl = h[l];
      for (let i = 0; i < no; i++) {
        let sum = b[i];
        const row = i * ni;
        for (let j = 0; j < ni; j++) sum += W[row + j] * xi[j];
        hl[i] = sum;
      }
      if (l < L) {
        const xo = x[l];
        for (let i = 0; i < no; i++) xo[i] = phi(hl[i]);
      }
    }
    d[L][0] = 1;
    for (let l = L - 1; l >= 1; l--) {
      const W = w.W[l],
        no = n[l],
        nUp = n[l + 1],
        dl = d[l],
        du = d[l + 1],
        hl = h[l];
      dl.fill(0);
      for (let i = 0; i < nUp; i++) {
        const di = du[i];
        if (di === 0) continue;
        const row = i * no;
        for (let j = 0; j < no; j++) dl[j] += W[row + j] * di;
      }
      for (let j = 0; j < no; j++) dl[j] *= dphi(hl[j]);
    }
    return h[L][0];
  }

  /** Θ(x_a, x_b) of the last passes of slots a and b (unscaled). */
  kernel(a: number, b: number): number {
    const { L, n } = this;
    const { cW, cB } = this.s;
    let total = 0;
    for (let l = 1; l <= L; l++) {
      const da = this.d[a][l],
        db = this.d[b][l],
        xa = this.xs[a][l - 1],
        xb = this.xs[b][l - 1];
      let dd = 0;
      for (let i = 0; i < n[l]; i++) dd += da[i] * db[i];
      let xx = 0;
      for (let j = 0; j < n[l - 1]; j++) xx += xa[j] * xb[j];
      total += dd * (cW[l] * xx + cB[l]);
    }
    return total;
  }
}

function checkWeights(w: DenseWeights, n: number[]): void {
  const L = n.length - 1;
  if (!w || !Array.isArray(w.W) || !Array.isArray(w.b) || w.W.length !== L || w.b.length !== L)
    throw new RangeError(`weights must hold ${L} matrices W and ${L} bias vectors b (depth L = widths.length)`);
  for (let l = 1; l <= L; l++) {
    if (!(w.W[l - 1] instanceof Float64Array) || w.W[l - 1].length !== n[l] * n[l - 1])
      throw new RangeError(
        `W[${l - 1}] (layer ${l}) must be a Float64Array of length ${n[l]}×${n[l - 1]} = ${n[l] * n[l - 1]}`,
      );
    if (!(w.b[l - 1] instanceof Float64Array) || w.b[l - 1].length !== n[l])
      throw new RangeError(`b[${l - 1}] (layer ${l}) must be a Float64Array of length ${n[l]}`);
  }
}

/** new weights W − ε cW δ xᵀ, b − ε cB δ (slot 0's δ and x) into `out` */
function applyStep(net: DenseNet, s: GdStepSetup, w: DenseWeights, eps: number, out: DenseWeights): void {
  const { n, cW, cB, depth: L } = s;
  for (let l = 1; l <= L; l++) {
    const W = w.W[l - 1],
      Wn = out.W[l - 1],
      b = w.b[l - 1],
      bn = out.b[l - 1];
    const dl = net.d[0][l],
      xp = net.xs[0][l - 1],
      ni = n[l - 1],
      no = n[l];
    const cw = eps * cW[l],
      cb = eps * cB[l];
    for (let i = 0; i < no; i++) {
      const g = dl[i],
        row = i * ni;
      for (let j = 0; j < ni; j++) Wn[row + j] = W[row + j] - cw * g * xp[j];
      bn[i] = b[i] - cb * g;
    }
  }
}

function runStep(net: DenseNet, s: GdStepSetup, w: DenseWeights, after: DenseWeights, pair: boolean): GdStepResult {
  const a2 = s.scale * s.scale;
  const f = net.pass(w, 0);
  const theta = net.kernel(0, 0);
  let thetaOff: number | undefined;
  if (pair) {
    net.pass(w, 1);
    thetaOff = net.kernel(0, 1);
  }
  const eps = (s.lr * (f - s.target)) / a2; // ε = η(f − y)/α² (App. A.3 with the App. B.3 rescale)
  applyStep(net, s, w, eps, after);
  const fAfter = net.pass(after, 0);
  const thetaAfter = net.kernel(0, 0);
  let thetaOffAfter: number | undefined;
  if (pair) {
    net.pass(after, 1);
    thetaOffAfter = net.kernel(0, 1);
  }
  const res: GdStepResult = {
    theta: a2 * theta,
    thetaAfter: a2 * thetaAfter,
    output: s.scale * f,
    outputAfter: s.scale * fAfter,
    finite: false,
  };
  if (pair) {
    res.thetaOff = a2 * thetaOff!;
    res.thetaOffAfter = a2 * thetaOffAfter!;
  }
  res.finite =
    Number.isFinite(res.theta) &&
    Number.isFinite(res.thetaAfter) &&
    Number.isFinite(res.output) &&
    Number.isFinite(res.outputAfter) &&
    (!pair || (Number.isFinite(res.thetaOff!) && Number.isFinite(res.thetaOffAfter!)));
  return res;
}

function allocWeights(n: number[]): DenseWeights {
  const W: Float64Array[] = [],
    b: Float64Array[] = [];
  for (let l = 1; l < n.length; l++) {
    W.push(new Float64Array(n[l] * n[l - 1]));
    b.push(new Float64Array(n[l]));
  }
  return { W, b };
}

/**
 * One GD step on (x, y) for GIVEN weights (not modified), e.g. to cross-check another engine on identical weights.
 * x (and xTilde) are full input vectors of length n₀; spec.inputNorm and spec.pairCos are ignored here.
 */
export function gdStepOnWeights(
  weights: DenseWeights,
  spec: GdStepSpec,
  x: Float64Array,
  xTilde?: Float64Array,
): GdStepResult {
  const s = gdStepSetup({ ...spec, pairCos: undefined, inputNorm: undefined });
  checkWeights(weights, s.n);
  for (const [name, v] of [
    ['x', x],
    ['xTilde', xTilde],
  ] as const) {
    if (v === undefined) continue;
    if (!(v instanceof Float64Array) || v.length !== s.n[0])
      throw new RangeError(`${name} must be a Float64Array of length n₀ = ${s.n[0]}`);
    for (let j = 0; j < v.length; j++)
      if (!Number.isFinite(v[j])) throw new RangeError(`${name}[${j}] is not a finite number`);
  }
  const net = new DenseNet(s);
  net.xs[0][0].set(x);
  if (xTilde) net.xs[1][0].set(xTilde);
  return runStep(net, s, weights, allocWeights(s.n), xTilde !== undefined);
}

/**
 * n independent networks with materialized weights, one GD step each on x = r e₁ (and x̃ = r(c e₁ + √(1−c²) e₂)
 * tracked with pairCos). Same law and same outputs as sampleGdStepExact.
 */
export function sampleGdStepDense(spec: GdStepSpec, n: number, rng: Rng): GdStepSamples {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of networks must be an integer ≥ 0 (got ${n})`);
  const s = gdStepSetup(spec);
  const pair = s.pairCos !== undefined;
  const net = new DenseNet(s);
  net.xs[0][0][0] = s.inputNorm;
  if (pair) {
    const c = s.pairCos!;
    net.xs[1][0][0] = s.inputNorm * c;
    if (s.n[0] >= 2) net.xs[1][0][1] = s.inputNorm * Math.sqrt(Math.max(0, 1 - c * c));
  }
  const w = allocWeights(s.n),
    after = allocWeights(s.n);
  const sdB = Math.sqrt(s.sigmaB2);
  const theta = new Float64Array(n),
    thetaAfter = new Float64Array(n),
    output = new Float64Array(n),
    outputAfter = new Float64Array(n);
  const thetaOff = pair ? new Float64Array(n) : undefined,
    thetaOffAfter = pair ? new Float64Array(n) : undefined;
  let m = 0;
  for (let t = 0; t < n; t++) {
    for (let l = 1; l <= s.depth; l++) {
      const W = w.W[l - 1],
        sd = Math.sqrt(s.sigmaW2 / s.n[l - 1]);
      for (let i = 0; i < W.length; i++) W[i] = normalZiggurat(rng) * sd;
      const b = w.b[l - 1];
      if (sdB > 0) for (let i = 0; i < b.length; i++) b[i] = normalZiggurat(rng) * sdB;
    }
    const r = runStep(net, s, w, after, pair);
    if (!r.finite) continue;
    theta[m] = r.theta;
    thetaAfter[m] = r.thetaAfter;
    output[m] = r.output;
    outputAfter[m] = r.outputAfter;
    if (pair) {
      thetaOff![m] = r.thetaOff!;
      thetaOffAfter![m] = r.thetaOffAfter!;
    }
    m++;
  }
  return packSamples(theta, thetaAfter, output, outputAfter, thetaOff, thetaOffAfter, m, n - m);
}
