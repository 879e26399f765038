// The "Kernel shaping" tab's logic (issue 14, item 3; Martens et al. 2021 (DKS)), free of DOM and Svelte: input
// validation, ψ = μ⁻¹(ζ) for the picked architecture, every root of the DKS transform with its four residuals, and
// the curves the tab draws — φ and φ̂ on [−10, 10], the local C map, the global C map of the depth-D chain and the
// C trajectories vs depth, before and after the transform. The tab runs computeShaping in a Web Worker
// (kernel-shaping-worker.ts): an untransformed chain whose q moves rebuilds its local maps at every layer (~1 s).
import {
  DksNoRootError,
  chainMap,
  dksActivationNames,
  dksResiduals,
  getDksActivation,
  invertMaximalSlope,
  localSummary,
  moments,
  solveDks,
  transformActivation,
  type Architecture,
  type DksActivation,
  type DksResiduals,
  type DksTransform,
} from '../../src-shared/theory/dks';
import { shapingPoint, type ShapingPoint } from './kernel-shaping-point';

export const KS_ARCHITECTURES = ['chain', 'resnet', 'layernorm'] as const;
export type KsArchitecture = (typeof KS_ARCHITECTURES)[number];

export const KS_ARCHITECTURE_LABELS: Record<KsArchitecture, string> = {
  chain: 'plain chain',
  resnet: 'ResNet (skip weight w)',
  layernorm: 'chain with Layer Norm',
};

/** What the user typed (the tab's fields); validated by parseShapingInput. */
export interface ShapingInput {
  activation: string;
  zeta: number;
  depth: number;
  architecture: KsArchitecture;
  /** w of the normalized block sums w·residual + √(1 − w²)·shortcut (ResNet only). */
  skipWeight: number;
  /** null: the solved transform (root `rootIndex`); otherwise the user's (α, β, γ, δ). */
  userTransform: DksTransform | null;
  rootIndex: number;
}

export const DEFAULT_SHAPING_INPUT: ShapingInput = {
  activation: 'softplus',
  zeta: 1.5,
  depth: 100,
  architecture: 'chain',
  skipWeight: Math.sqrt(0.05),
  userTransform: null,
  rootIndex: 0,
};

/** Depths the global maps run to (issue 14: C maps vs depth 1 … 500) and the largest depth D accepted. */
export const TRAJECTORY_DEPTH = 500;
export const MAX_DEPTH = 1000;
/** Inputs c₀ whose trajectories c_l vs depth are drawn. */
export const TRAJECTORY_INPUTS = [-0.5, 0, 0.5, 0.9, 0.99] as const;
/** Points of the φ and C-map curves. */
const PHI_POINTS = 401;
export const C_POINTS = 201;

// ---- the ζ slider: a log(ζ − 1) axis, ζ = 1 + 10^t

export const ZETA_SLIDER = { min: -4, max: 3, step: 0.01 } as const;

export function zetaFromSlider(t: number): number {
  return 1 + 10 ** t;
}

/** The slider position of ζ (clamped to the slider); null when ζ ≤ 1 has no position on a log(ζ − 1) axis. */
export function sliderFromZeta(zeta: number): number | null {
  if (!(Number.isFinite(zeta) && zeta > 1)) return null;
  return Math.min(ZETA_SLIDER.max, Math.max(ZETA_SLIDER.min, Math.log10(zeta - 1)));
}

/** Throws a RangeError naming the field as the tab labels it; returns the architecture for μ(ψ). */
export function validateShapingInput(p: ShapingInput): Architecture {
  if (!dksActivationNames().includes(p.activation))
    throw new RangeError(`φ: unknown activation "${p.activation}"; known: ${dksActivationNames().join(', ')}`);
  if (!(Number.isFinite(p.zeta) && p.zeta > 1))
    throw new RangeError(`ζ must be a number > 1 (the global C′(1) = ζ of Sec. 17.3), got ${p.zeta}`);
  if (!(Number.isInteger(p.depth) && p.depth >= 1 && p.depth <= MAX_DEPTH))
    throw new RangeError(`depth D must be an integer in [1, ${MAX_DEPTH}], got ${p.depth}`);
  if (!(Number.isInteger(p.rootIndex) && p.rootIndex >= 0)) throw new RangeError(`root must be an index ≥ 0`);
  if (p.architecture === 'resnet') {
    if (!(Number.isFinite(p.skipWeight) && p.skipWeight > 0 && p.skipWeight <= 1))
      throw new RangeError(`skip weight w must be in (0, 1], got ${p.skipWeight}`);
    if (p.depth < 14 || (p.depth - 14) % 3 !== 0)
      throw new RangeError(
        `depth D of the modified ResNet (Martens et al. 2021, eq. (20)) must be 14, 17, 20, … (e.g. 50, 101, 152), got ${p.depth}`,
      );
    return { kind: 'resnet', depth: p.depth, w: p.skipWeight };
  }
  // Layer Norm layers map q to 1 and have slope 1 (Sec. 19, recipe rule [6]): μ is the chain's ψ^D
  return { kind: 'chain', depth: p.depth };
}

export interface ShapingRoot extends DksTransform {
  residuals: DksResiduals;
  /** max |residual| over the enforced conditions. */
  worst: number;
}

export interface ChainCurves {
  /** Depth the chain was followed to (less than asked when q left the representable range). */
  depth: number;
  /** C_f(c) at depth D on the c grid (null when the chain stopped before D). */
  globalMap: Float64Array | null;
  /** trajectories[k][l − 1] = c_l for input TRAJECTORY_INPUTS[k], l = 1 … depth (capped at TRAJECTORY_DEPTH). */
  trajectories: Float64Array[];
  /** max_c |C_f(c) − c| at depth D (the degeneracy of Sec. 13.1), null when not reached. */
  maxDeviation: number | null;
  /** Global C′(1) at depth D (Π of the local C′(1; q_l)). */
  globalCPrime1: number | null;
  /** q_D (1 when the chain keeps q = 1, as DKS does). */
  qEnd: number;
  note: string;
}

export interface ShapingResult {
  input: ShapingInput;
  psi: number;
  roots: ShapingRoot[];
  conditions: Array<keyof DksResiduals>;
  solverNote: string;
  /** The transform drawn: the chosen root or the user's. */
  transform: DksTransform;
  /** Residuals of the drawn transform. */
  residuals: DksResiduals;
  x: Float64Array;
  phi: Float64Array;
  phiHat: Float64Array;
  c: Float64Array;
  localBefore: Float64Array;
  localAfter: Float64Array;
  before: ChainCurves;
  after: ChainCurves;
  point: ShapingPoint;
  millis: number;
}

const linspace = (a: number, b: number, n: number) =>
  Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

/** The activation the "before" network uses: φ itself, or φ/√Q(1) behind Layer Norm (q reset to 1 at every layer). */
function beforeActivation(act: DksActivation, architecture: KsArchitecture): DksActivation {
  if (architecture !== 'layernorm') return act;
  const Q1 = moments(act, 1).phi2;
  if (!(Q1 > 0)) throw new RangeError(`φ = ${act.name}: Q(1) = ${Q1}, Layer Norm is undefined`);
  // a scalar multiple leaves the C map unchanged and sets Q(1) = 1: the layer's output q is 1, as after Layer Norm
  return transformActivation(act, { alpha: 1, beta: 0, gamma: 1 / Math.sqrt(Q1), delta: 0 });
}

const Q_RANGE = [1e-100, 1e100] as const;

/** Layers the chain can follow from q₀ = 1 before q leaves the range where the maps are computed (global.ts). */
function reachableDepth(act: DksActivation, depth: number): number {
  if (act.homogeneous) return depth;
  let q = 1;
  for (let l = 0; l < depth; l++) {
    if (!(q >= Q_RANGE[0] && q <= Q_RANGE[1])) return l;
    q = moments(act, q).phi2;
  }
  return q >= Q_RANGE[0] && q <= Q_RANGE[1] ? depth : depth - 1;
}

/** The global maps of a chain of `act` (Martens et al. 2021 (DKS), Sec. 7–8) to max(D, TRAJECTORY_DEPTH). */
function chainCurves(act: DksActivation, c: Float64Array, depth: number): ChainCurves {
  const want = Math.max(depth, TRAJECTORY_DEPTH);
  const reach = reachableDepth(act, want);
  const n = c.length + TRAJECTORY_INPUTS.length;
  const empty = (note: string): ChainCurves => ({
    depth: 0,
    globalMap: null,
    trajectories: TRAJECTORY_INPUTS.map(() => new Float64Array(0)),
    maxDeviation: null,
    globalCPrime1: null,
    qEnd: 1,
    note,
  });
  if (reach < 1) return empty(`q leaves [${Q_RANGE[0]}, ${Q_RANGE[1]}] at the first layer`);
  const inputs = new Float64Array(n);
  inputs.set(c);
  inputs.set(TRAJECTORY_INPUTS, c.length);
  const m = chainMap(act, inputs, reach);
  const trajDepth = Math.min(reach, TRAJECTORY_DEPTH);
  const trajectories = TRAJECTORY_INPUTS.map((_, k) =>
    Float64Array.from({ length: trajDepth }, (_, l) => m.c[(l + 1) * n + c.length + k]),
  );
  let globalMap: Float64Array | null = null;
  let maxDeviation: number | null = null;
  if (reach >= depth) {
    globalMap = m.c.slice(depth * n, depth * n + c.length);
    maxDeviation = 0;
    for (let k = 0; k < c.length; k++) maxDeviation = Math.max(maxDeviation, Math.abs(globalMap[k] - c[k]));
  }
  const qEnd = m.q[Math.min(depth, reach)];
  const note =
    reach < want
      ? `q runs to ${qEnd < 1 ? '0' : '∞'} with depth and leaves [${Q_RANGE[0]}, ${Q_RANGE[1]}] after ${reach} layers: ` +
        'the curves stop there'
      : '';
  return {
    depth: reach,
    globalMap,
    trajectories,
    maxDeviation,
    globalCPrime1: reach >= depth ? m.globalCPrime1[depth] : null,
    qEnd,
    note,
  };
}

/** The local C map C(c; q = 1) by the Hermite series route of global.ts (one layer), for the c grid. */
function localCMap(act: DksActivation, c: Float64Array): Float64Array {
  const m = chainMap(act, c, 1);
  return m.c.slice(c.length, 2 * c.length);
}

const worstOf = (r: DksResiduals, conditions: Array<keyof DksResiduals>) =>
  Math.max(...conditions.map((k) => Math.abs(r[k])));

/**
 * Everything the tab draws for one input; throws a RangeError (DksNoRootError with the best residual) on bad input.
 * `cache` keeps the "before" curves, which depend only on (φ, architecture, D), across ζ changes.
 */
export function computeShaping(p: ShapingInput, cache?: Map<string, ChainCurves>): ShapingResult {
  const t0 = Date.now();
  const arch = validateShapingInput(p);
  const act = getDksActivation(p.activation);
  const psi = invertMaximalSlope(arch, p.zeta);
  let roots: ShapingRoot[] = [];
  let conditions: Array<keyof DksResiduals> = ['q1', 'qPrime1', 'c0', 'cPrime1'];
  let solverNote: string;
  let transform: DksTransform;
  let residuals: DksResiduals;
  try {
    const sol = solveDks(act, psi);
    conditions = sol.conditions;
    solverNote = sol.note ?? '';
    roots = sol.roots.map((r) => ({ ...r, worst: worstOf(r.residuals, sol.conditions) }));
  } catch (err) {
    // a user transform is still drawn when no root exists; the solver's message says so
    if (!(err instanceof DksNoRootError) || !p.userTransform) throw err;
    solverNote = err.message;
  }
  if (p.userTransform) {
    transform = { ...p.userTransform };
    const hat = transformActivation(act, transform); // α = 0 or a non-finite value: RangeError
    const s = moments(hat, 1);
    if (!(s.phi2 > 0))
      throw new RangeError(
        `the transform (α, β, γ, δ) gives Q(1) = E[φ̂(x)²] = ${s.phi2} ≤ 0: φ̂ vanishes, so its C map is undefined`,
      );
    residuals = dksResiduals(act, transform, psi);
  } else {
    if (p.rootIndex >= roots.length)
      throw new RangeError(`root ${p.rootIndex + 1} does not exist: the solver found ${roots.length}`);
    const r = roots[p.rootIndex];
    transform = { alpha: r.alpha, beta: r.beta, gamma: r.gamma, delta: r.delta };
    residuals = r.residuals;
  }
  const hat = transformActivation(act, transform);
  const x = linspace(-10, 10, PHI_POINTS);
  const c = linspace(-1, 1, C_POINTS);
  const rawBefore = beforeActivation(act, p.architecture);
  const key = `${p.activation}|${p.architecture}|${p.depth}`;
  let before = cache?.get(key);
  if (!before) {
    before = chainCurves(rawBefore, c, p.depth);
    if (cache) {
      if (cache.size > 16) cache.clear();
      cache.set(key, before);
    }
  }
  const result: ShapingResult = {
    input: p,
    psi,
    roots,
    conditions,
    solverNote,
    transform,
    residuals,
    x,
    phi: x.map((u) => act.phi(u)),
    phiHat: x.map((u) => hat.phi(u)),
    c,
    localBefore: localCMap(act, c),
    localAfter: localCMap(hat, c),
    before,
    after: chainCurves(hat, c, p.depth),
    point: shapingPoint(act, hat),
    millis: 0,
  };
  result.millis = Date.now() - t0;
  return result;
}

/** The local summaries shown next to the plots: C′(1) of φ and φ̂ at q = 1 (Sec. 11.1). */
export function localCPrime1(act: DksActivation): number {
  return localSummary(act, 1).CPrime1;
}

// ---- export rows

/** CSV columns of the curves (one row per grid point; the trajectories as depth rows). */
export function curveColumns(
  r: ShapingResult,
  plot: 'phi' | 'local' | 'global' | 'depth',
): {
  x: { name: string; values: ArrayLike<number> };
  series: Array<{ name: string; values: ArrayLike<number | null> }>;
} {
  if (plot === 'phi')
    return {
      x: { name: 'x', values: r.x },
      series: [
        { name: 'phi', values: r.phi },
        { name: 'phiHat', values: r.phiHat },
      ],
    };
  if (plot === 'local')
    return {
      x: { name: 'c', values: r.c },
      series: [
        { name: 'C_before', values: r.localBefore },
        { name: 'C_after', values: r.localAfter },
      ],
    };
  if (plot === 'global') {
    const pad = (a: Float64Array | null) => (a ? a : Array.from(r.c, () => null));
    return {
      x: { name: 'c', values: r.c },
      series: [
        { name: `Cf_before_D${r.input.depth}`, values: pad(r.before.globalMap) },
        { name: `Cf_after_D${r.input.depth}`, values: pad(r.after.globalMap) },
      ],
    };
  }
  const depth = Math.max(r.before.trajectories[0].length, r.after.trajectories[0].length);
  const col = (a: Float64Array) => Array.from({ length: depth }, (_, l) => (l < a.length ? a[l] : null));
  return {
    x: { name: 'depth', values: Array.from({ length: depth }, (_, l) => l + 1) },
    series: TRAJECTORY_INPUTS.flatMap((c0, k) => [
      { name: `c_before_c0=${c0}`, values: col(r.before.trajectories[k]) },
      { name: `c_after_c0=${c0}`, values: col(r.after.trajectories[k]) },
    ]),
  };
}

/** The parameters' JSON every export of the tab carries. */
export function shapingJson(r: ShapingResult, plot: string, version: string): string {
  const doc = {
    app: 'NTK Phase Lab',
    version,
    plot,
    theory: 'Martens et al. 2021 (DKS), Sec. 6–8, 17–18',
    input: r.input,
    psi: r.psi,
    transform: r.transform,
    residuals: r.residuals,
    roots: r.roots,
    conditions: r.conditions,
    maxDeviation: { before: r.before.maxDeviation, after: r.after.maxDeviation },
    globalCPrime1: { before: r.before.globalCPrime1, after: r.after.globalCPrime1 },
    point: r.point,
    exportedAt: new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A short file-name stem: ks-<plot>-<φ>-z<ζ>-D<D>. */
export function shapingFileBase(r: ShapingResult, plot: string): string {
  const z = Number(r.input.zeta.toPrecision(6));
  return `ntk-ks-${plot}-${r.input.activation}-z${z}-D${r.input.depth}`;
}
