// The activation registry: the one list of pointwise nonlinearities φ in the lab, read by the theory
// (src-shared/theory/meanfield), the float64 samplers (src-main/engine), TensorFlow.js (src-main/tf/tf-activations.ts)
// and the renderer's pickers.
//
// API (everything keyed by name):
//   ACTIVATION_SPECS            typed record name → ActivationSpec (φ, φ′, quadrature hints, closed forms, runsOn)
//   ACTIVATION_NAMES            every registered name, in picker order (the theory runs them all)
//   activationSpec(name)        the spec, or a RangeError listing the known names
//   activationFor(engine, name) the spec if `engine` runs it, else a RangeError naming what that engine runs
//   SAMPLER_ACTIVATIONS, TF_ACTIVATIONS, MEASURABLE_ACTIVATIONS (samplers and TensorFlow both): the names per engine,
//   typed as unions (SamplerActivationName, TfActivationName, MeasurableActivationName) for zod enums and records.
//   activationNames()           ACTIVATION_NAMES as a fresh string[] (CLI help, contract messages, pickers)
//   customActivation(spec)      validate an ad-hoc theory-only φ (e.g. a transformed one); never registered by name
//
// To add an activation: one entry in ENTRIES below. With 'tensorflow' in its runsOn, src-main/tf/tf-activations.ts
// must map it to tf ops (a compile error until it does); the samplers need nothing more (they call φ and φ′). Where
// values leave float64 the GD-step samplers rescale by powers of two (issue 16): exactly for a homogeneous φ, at the
// true scale of h for a bounded one; an unbounded φ that is not homogeneous needs a `scaled` pair (as GELU has).
// Closed forms are optional: without them the theory integrates by quadrature (nngp-map.ts).
//
// 'erf' is the plain error function φ(x) = erf(x), as in Xiao et al. 2020 (Sec. 2, "we will take φ = erf"; its kernel
// formulas use erf′(z) = (2/√π)e^{−z²}), not the rescaled erf(√π x/2). 'gelu' is the exact x·Φ(x) of Hendrycks &
// Gimpel 2016, not the tanh fit. φ′(0) := 0 for ReLU (h = 0 has probability zero under Gaussian weights).
import { erf, normalCdf, normalPdf } from './erf';

/** Where an activation can run. */
export type ActivationEngine = 'theory' | 'samplers' | 'tensorflow';

/**
 * Closed forms of the NNGP map 𝒯(Σ) = E[φ(u)φ(v)] and of the NTK's derivative map 𝒯̇(Σ) = E[φ′(u)φ′(v)],
 * (u, v) ~ N(0, Σ), Σ = [[s11, s12], [s12, s22]]; on the diagonal, 𝒯(q, q, q) = E φ(√q z)² and 𝒯̇(q, q, q) =
 * E φ′(√q z)² (the length map and χ₁/σ_w²).
 */
export interface ClosedForms {
  T(s11: number, s12: number, s22: number): number;
  Tdot(s11: number, s12: number, s22: number): number;
}

/** Gaussian smoothing in closed form: out[0] = E φ(m + sZ), out[1] = E φ′(m + sZ), Z ~ N(0, 1). */
export type SmoothedPair = (m: number, s: number, out: Float64Array) => void;

/** One activation: what the theory needs (φ, φ′, quadrature hints, closed forms) and which engines run it. */
export interface ActivationSpec {
  readonly name: string;
  phi(x: number): number;
  dphi(x: number): number;
  /** Optional: φ and φ′ together (out[0] = φ(x), out[1] = φ′(x)) when they share work (tanh, sigmoid: one exp). */
  phiDphi?(x: number, out: Float64Array): void;
  /** Points where φ or φ′ is not smooth (quadrature panels are split there). */
  readonly kinks: readonly number[];
  /**
   * Distance from the real axis of the nearest complex singularity of φ (tanh π/2, sigmoid π), or, for entire φ,
   * a length over which φ changes shape; sets the quadrature panel width at variance q to ≈ 2·halfWidth/√q.
   */
  readonly analyticHalfWidth: number;
  /** Positively homogeneous of degree 1 (φ(αx) = αφ(x), α > 0): then 𝒯(q·Σ) = q·𝒯(Σ) and χ₁ does not depend on q. */
  readonly homogeneous: boolean;
  /**
   * For a φ that is not homogeneous but grows linearly (GELU): φ(2^e·ĥ)/2^e and φ′(2^e·ĥ) for an integer e ≥ 0, as
   * exact as φ and φ′ themselves, also where 2^e·ĥ leaves float64. The GD-step samplers carry such vectors as
   * mantissa·2^exponent like a homogeneous φ's (issue 16); at e = 0 these are φ and φ′.
   */
  readonly scaled?: { phi(hHat: number, e: number): number; dphi(hHat: number, e: number): number };
  readonly closedForms?: ClosedForms;
  /** E φ(m + sZ), E φ′(m + sZ) in closed form: the ξ map's 1D fallback (map.ts) instead of a 2D quadrature. */
  readonly gaussianSmoothing?: SmoothedPair;
  /** The engines that run it ('theory' for every entry; the others only where tested there). */
  readonly runsOn: readonly ActivationEngine[];
}

/** v·2^e for an integer e ≥ 0, in two exact steps (±∞ only where the product leaves float64; 0 stays 0). */
function times2Pow(v: number, e: number): number {
  if (e === 0 || v === 0) return v;
  const half = Math.floor(e / 2); // not e >> 1: the samplers' exponents pass 2^31 deep in the chaotic phase
  return v * 2 ** half * 2 ** (e - half);
}

// ---------------------------------------------------------------------------------------------------------
// Closed forms

const INV_2PI = 1 / (2 * Math.PI);
const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)

/** Arc-cosine kernel of degree 1 (Cho & Saul 2009): ReLU. */
const reluClosedForms: ClosedForms = {
  T(s11, s12, s22) {
    const r = Math.sqrt(s11 * s22);
    if (r === 0) return 0;
    const c = Math.max(-1, Math.min(1, s12 / r));
    const theta = Math.acos(c);
    // sin θ = √(1 − c²) is accurate near c = ±1, where acos loses digits
    return r * INV_2PI * (Math.sqrt(Math.max(0, 1 - c * c)) + (Math.PI - theta) * c);
  },
  Tdot(s11, s12, s22) {
    const r = Math.sqrt(s11 * s22);
    if (r === 0) return 0; // a zero variance means u ≡ 0 (or v ≡ 0) and 1{0 > 0} = 0, as the quadrature gives
    const c = Math.max(-1, Math.min(1, s12 / r));
    return (Math.PI - Math.acos(c)) * INV_2PI;
  },
};

/** Williams 1997: the erf network kernel (arcsin) and its derivative kernel. */
const erfClosedForms: ClosedForms = {
  T(s11, s12, s22) {
    const x = (2 * s12) / Math.sqrt((1 + 2 * s11) * (1 + 2 * s22));
    return (2 / Math.PI) * Math.asin(Math.max(-1, Math.min(1, x)));
  },
  Tdot(s11, s12, s22) {
    return 4 / Math.PI / Math.sqrt((1 + 2 * s11) * (1 + 2 * s22) - 4 * s12 * s12);
  },
};

const linearClosedForms: ClosedForms = { T: (_a, s12) => s12, Tdot: () => 1 };

// SELU constants (Klambauer et al. 2017)
const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/** e^{t²/2} Φ(−t) without overflow (asymptotic Mills-ratio series beyond t = 25, relative error < 1e-12). */
function scaledTail(t: number): number {
  if (t <= 25) return Math.exp(0.5 * t * t) * normalCdf(-t);
  const u = 1 / (t * t);
  return (INV_SQRT_2PI / t) * (1 - u * (1 - 3 * u * (1 - 5 * u * (1 - 7 * u * (1 - 9 * u)))));
}

/** E[e^{m+sZ} 1{m+sZ < 0}] = e^{m+s²/2} Φ(−(m+s²)/s), written as e^{−m²/(2s²)}·scaledTail so it never overflows. */
function expBelowZero(m: number, s: number): number {
  const t = (m + s * s) / s;
  if (t < 0) return Math.exp(m + 0.5 * s * s) * normalCdf(-t);
  return Math.exp((-0.5 * m * m) / (s * s)) * scaledTail(t);
}

/** SELU λx (x > 0), λα(eˣ − 1) (x ≤ 0). E[X; X > 0] = mΦ(m/s) + sϕ(m/s). */
const seluSmoothing: SmoothedPair = (m, s, out) => {
  const pPos = normalCdf(m / s);
  const e = expBelowZero(m, s);
  out[0] = SELU_LAMBDA * (m * pPos + s * normalPdf(m / s)) + SELU_LAMBDA * SELU_ALPHA * (e - normalCdf(-m / s));
  out[1] = SELU_LAMBDA * pPos + SELU_LAMBDA * SELU_ALPHA * e;
};

/** GELU xΦ(x), r = √(1 + s²): E Φ(X) = Φ(m/r), E[XΦ(X)] = mΦ(m/r) + s²ϕ(m/r)/r (Stein), E[Xϕ(X)] = mϕ(m/r)/r³. */
const geluSmoothing: SmoothedPair = (m, s, out) => {
  const r = Math.sqrt(1 + s * s);
  const cdf = normalCdf(m / r);
  const pdf = normalPdf(m / r) / r;
  out[0] = m * cdf + s * s * pdf;
  out[1] = cdf + (m * pdf) / (r * r);
};

function tanhPrime(x: number): number {
  const a = Math.abs(x);
  if (a > 20) return 4 * Math.exp(-2 * a); // 1 − tanh² = 4e^{−2|x|}/(1 + e^{−2|x|})², without cancellation
  const t = Math.tanh(x);
  return 1 - t * t;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

// ---------------------------------------------------------------------------------------------------------
// The registry

type Entry = Omit<ActivationSpec, 'name'>;
const ALL_ENGINES = ['theory', 'samplers', 'tensorflow'] as const;
const THEORY_ONLY = ['theory'] as const;

const ENTRIES = {
  relu: {
    phi: (x) => (x > 0 ? x : 0),
    dphi: (x) => (x > 0 ? 1 : 0),
    kinks: [0],
    analyticHalfWidth: 2,
    homogeneous: true,
    closedForms: reluClosedForms,
    runsOn: ALL_ENGINES,
  },
  tanh: {
    phi: Math.tanh,
    dphi: tanhPrime,
    phiDphi(x, out) {
      const t = Math.tanh(x);
      out[0] = t;
      out[1] = Math.abs(x) > 20 ? 4 * Math.exp(-2 * Math.abs(x)) : 1 - t * t;
    },
    kinks: [],
    analyticHalfWidth: Math.PI / 2,
    homogeneous: false,
    runsOn: ALL_ENGINES,
  },
  erf: {
    phi: erf,
    dphi: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x),
    kinks: [],
    analyticHalfWidth: 1,
    homogeneous: false,
    closedForms: erfClosedForms,
    runsOn: ALL_ENGINES,
  },
  gelu: {
    phi: (x) => x * normalCdf(x),
    dphi: (x) => normalCdf(x) + x * normalPdf(x),
    // φ(2^e ĥ)/2^e = ĥ·Φ(2^e ĥ) exactly; Φ and φ′ at ±∞ (beyond float64) are their limits 1, 0
    scaled: {
      phi: (hh, e) => hh * normalCdf(times2Pow(hh, e)),
      dphi: (hh, e) => {
        const h = times2Pow(hh, e);
        return Number.isFinite(h) ? normalCdf(h) + h * normalPdf(h) : h > 0 ? 1 : 0;
      },
    },
    kinks: [],
    analyticHalfWidth: 1,
    homogeneous: false,
    gaussianSmoothing: geluSmoothing,
    runsOn: ALL_ENGINES,
  },
  linear: {
    phi: (x) => x,
    dphi: () => 1,
    kinks: [],
    analyticHalfWidth: 2,
    homogeneous: true,
    closedForms: linearClosedForms,
    runsOn: ALL_ENGINES,
  },
  sigmoid: {
    phi: sigmoid,
    dphi: (x) => {
      const s = sigmoid(x);
      return s * (1 - s);
    },
    phiDphi(x, out) {
      const s = sigmoid(x);
      out[0] = s;
      out[1] = s * (1 - s);
    },
    kinks: [],
    analyticHalfWidth: Math.PI,
    homogeneous: false,
    runsOn: THEORY_ONLY,
  },
  selu: {
    phi: (x) => (x > 0 ? SELU_LAMBDA * x : SELU_LAMBDA * SELU_ALPHA * Math.expm1(x)),
    dphi: (x) => (x > 0 ? SELU_LAMBDA : SELU_LAMBDA * SELU_ALPHA * Math.exp(x)),
    kinks: [0],
    analyticHalfWidth: 2,
    homogeneous: false,
    gaussianSmoothing: seluSmoothing,
    runsOn: THEORY_ONLY,
  },
} as const satisfies Record<string, Entry>;

/** Every registered activation name. */
export type ActivationName = keyof typeof ENTRIES;
type NamesOn<E extends ActivationEngine> = {
  [K in ActivationName]: E extends (typeof ENTRIES)[K]['runsOn'][number] ? K : never;
}[ActivationName];
/** Names the float64 samplers run. */
export type SamplerActivationName = NamesOn<'samplers'>;
/** Names TensorFlow.js runs (each needs its ops in src-main/tf/tf-activations.ts). */
export type TfActivationName = NamesOn<'tensorflow'>;
/** Names both the samplers and TensorFlow.js run: the contract's `activation` enum for measured jobs. */
export type MeasurableActivationName = SamplerActivationName & TfActivationName;

/**
 * A spec is usable only if its name is a lowercase identifier, its quadrature hints make sense and φ, φ′ are finite
 * at a few points; checked for every registry entry at load and for ad-hoc theory activations (customActivation).
 */
function checkActivationSpec<T extends ActivationSpec>(a: T): T {
  if (typeof a.name !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(a.name))
    throw new RangeError(`activation name must be lowercase letters/digits, got ${JSON.stringify(a.name)}`);
  if (!(a.analyticHalfWidth > 0)) throw new RangeError(`activation "${a.name}": analyticHalfWidth must be > 0`);
  if (!a.kinks.every(Number.isFinite)) throw new RangeError(`activation "${a.name}": kinks must be finite`);
  for (const x of [-3, -0.5, 0.25, 2]) {
    if (!Number.isFinite(a.phi(x)) || !Number.isFinite(a.dphi(x)))
      throw new RangeError(`activation "${a.name}": φ or φ′ is not finite at ${x}`);
  }
  return Object.freeze({ ...a });
}

function buildSpecs(): { readonly [K in ActivationName]: ActivationSpec } {
  const out = {} as { [K in ActivationName]: ActivationSpec };
  for (const name of Object.keys(ENTRIES) as ActivationName[])
    out[name] = checkActivationSpec<ActivationSpec>({ name, ...ENTRIES[name] });
  return Object.freeze(out);
}

/** The registry: name → spec (frozen; one object per name, so specs compare by identity). */
export const ACTIVATION_SPECS = buildSpecs();

/** Every registered name, in picker order. */
export const ACTIVATION_NAMES: readonly ActivationName[] = Object.freeze(Object.keys(ENTRIES) as ActivationName[]);

function namesOn<E extends ActivationEngine>(engine: E): readonly NamesOn<E>[] {
  return Object.freeze(ACTIVATION_NAMES.filter((n) => ACTIVATION_SPECS[n].runsOn.includes(engine)) as NamesOn<E>[]);
}

export const SAMPLER_ACTIVATIONS: readonly SamplerActivationName[] = namesOn('samplers');
export const TF_ACTIVATIONS: readonly TfActivationName[] = namesOn('tensorflow');
export const MEASURABLE_ACTIVATIONS: readonly MeasurableActivationName[] = Object.freeze(
  SAMPLER_ACTIVATIONS.filter((n): n is MeasurableActivationName => (TF_ACTIVATIONS as readonly string[]).includes(n)),
);

/** Names of the registered activations (a fresh array; the theory runs every one). */
export function activationNames(): string[] {
  return [...ACTIVATION_NAMES];
}

function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ENTRIES, name);
}

/** The activation called `name`, or a RangeError listing the known ones. */
export function activationSpec(name: string): ActivationSpec {
  if (!isActivationName(name))
    throw new RangeError(`unknown activation ${JSON.stringify(name)}; known: ${ACTIVATION_NAMES.join(', ')}`);
  return ACTIVATION_SPECS[name];
}

const ENGINE_WORDS: Record<ActivationEngine, string> = {
  theory: 'the theory',
  samplers: 'the samplers',
  tensorflow: 'TensorFlow',
};

/** The spec of `name` if `engine` runs it; else a RangeError ("unknown activation … for the samplers; they run …"). */
export function activationFor(engine: ActivationEngine, name: string): ActivationSpec {
  const spec = isActivationName(name) ? ACTIVATION_SPECS[name] : undefined;
  if (!spec?.runsOn.includes(engine)) {
    const known = ACTIVATION_NAMES.filter((n) => ACTIVATION_SPECS[n].runsOn.includes(engine));
    throw new RangeError(
      `unknown activation ${JSON.stringify(name)} for ${ENGINE_WORDS[engine]}; expected one of ${known.join(', ')}`,
    );
  }
  return spec;
}

/**
 * Validate an ad-hoc activation for the theory (e.g. a transformed φ): the theory's functions take the returned
 * object wherever they take a name. It is not added to the registry; a registered name may not be reused.
 */
export function customActivation(a: Omit<ActivationSpec, 'runsOn'> & { runsOn?: readonly ActivationEngine[] }) {
  if (isActivationName(a.name)) throw new RangeError(`activation "${a.name}" is already defined`);
  return checkActivationSpec<ActivationSpec>({ ...a, runsOn: ['theory'] });
}
