// Standardized and normalized nonlinearities (Jacot et al. 2019, "Freeze and Chaos for DNNs", Def. 1 and Sec. 5.2).
// • standardized: σ = φ/√E[φ(z)²], so E[σ(z)²] = 1 (Def. 1); with inputs on the √n₀-sphere every Σ^{(ℓ)}(x,x) = 1.
// • normalized: σ = (φ − E[φ])/√Var[φ] (centred and standardized). In the infinite-width limit this is what Layer
//   Norm after each hidden layer does (Remark 2, App. C), and Prop. 1 (E[σ̇²] > 1) makes chaos reachable.
// Moments are float64 composite Gauss–Legendre integrals split at the kinks of φ (gauss.ts).
import { getActivation, activationNames, type Activation } from '../meanfield/activation';
import { expectNormal } from '../meanfield/gauss';

export const NONLINEARITY_MODES = ['standardized', 'normalized'] as const;
export type NonlinearityMode = (typeof NONLINEARITY_MODES)[number];

// Nonlinearities of the paper's discussion that the shared registry lacks (pure φ, φ′; to be folded into it).
// ELU (Clevert et al. 2016) with α = 1: C¹, so no jump in φ′; softplus log(1 + eˣ): smooth.
const EXTRA: readonly Activation[] = [
  {
    name: 'elu',
    phi: (x) => (x > 0 ? x : Math.expm1(x)),
    dphi: (x) => (x > 0 ? 1 : Math.exp(x)),
    kinks: [0],
    analyticHalfWidth: 2,
    homogeneous: false,
    runsOn: ['theory'],
  },
  {
    name: 'softplus',
    // log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}) without overflow
    phi: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
    dphi: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    kinks: [],
    analyticHalfWidth: Math.PI,
    homogeneous: false,
    runsOn: ['theory'],
  },
];

/** Activations usable here: the shared registry plus the extra ones above. */
export function freezeChaosActivationNames(): string[] {
  const names = activationNames();
  for (const a of EXTRA) if (!names.includes(a.name)) names.push(a.name);
  return names;
}

/** φ by name: the shared registry first, then the extra ones; a RangeError naming the field otherwise. */
export function resolvePhi(name: string): Activation {
  if (typeof name === 'string' && activationNames().includes(name)) return getActivation(name);
  const extra = EXTRA.find((a) => a.name === name);
  if (extra) return extra;
  throw new RangeError(
    `activation: unknown activation ${JSON.stringify(name)}; known: ${freezeChaosActivationNames().join(', ')}`,
  );
}

export interface Nonlinearity {
  readonly activation: string;
  readonly mode: NonlinearityMode;
  /** The raw φ. */
  readonly base: Activation;
  /** σ(x) = scale·(φ(x) − shift). */
  readonly shift: number;
  readonly scale: number;
  sigma(x: number): number;
  dsigma(x: number): number;
  /** out[0] = σ(x), out[1] = σ̇(x) (one evaluation where φ shares the work, e.g. tanh). */
  sigmaDsigma(x: number, out: Float64Array): void;
  readonly kinks: readonly number[];
  /** E[φ(z)], E[φ(z)²] of the raw φ, z ~ N(0, 1). */
  readonly meanPhi: number;
  readonly meanSquarePhi: number;
  /** E[σ(z)] (0 when normalized) and E[σ̇(z)²] of the rescaled σ (Prop. 1's quantity). */
  readonly meanSigma: number;
  readonly meanSlopeSquare: number;
  /**
   * φ′ jumps at a kink (ReLU, SELU): not the twice-differentiable σ of Thm 2 but the case of Thm 3, where the frozen
   * phase is only "weakly frozen" (rate √r). Thm 3 is proved for the ReLU; for other jumps it is an extension.
   */
  readonly derivativeJump: boolean;
}

const cache = new Map<string, Nonlinearity>();

/** The Gaussian moment E[f(z)²] when it is finite: its integrand must have decayed by the quadrature's cut-off. */
function finiteMoment(f: (z: number) => number, kinks: readonly number[], what: string, name: string): number {
  const m = expectNormal((z) => f(z) ** 2, kinks);
  const edge = Math.max(f(-TAIL_Z) ** 2, f(TAIL_Z) ** 2) * Math.exp(-0.5 * TAIL_Z * TAIL_Z);
  if (!Number.isFinite(m) || !(edge <= 1e-12 * Math.max(m, 1e-300) || edge === 0))
    throw new RangeError(`activation: ${name} has no finite ${what} (the integrand does not decay by |z| = ${TAIL_Z})`);
  return m;
}
const TAIL_Z = 9;

/**
 * The standardized or normalized version of φ (Def. 1; Sec. 5.2), φ by registry name or given directly. Registry
 * names are cached per (activation, mode).
 */
export function makeNonlinearity(activation: string | Activation, mode: NonlinearityMode): Nonlinearity {
  if (!(NONLINEARITY_MODES as readonly string[]).includes(mode))
    throw new RangeError(`nonlinearity: expected one of ${NONLINEARITY_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const key = typeof activation === 'string' ? `${activation}\u0000${mode}` : null;
  const hit = key === null ? undefined : cache.get(key);
  if (hit) return hit;
  const base = typeof activation === 'string' ? resolvePhi(activation) : activation;
  const name = base.name;
  const kinks = base.kinks;
  const meanPhi = expectNormal(base.phi, kinks);
  const meanSquarePhi = finiteMoment(base.phi, kinks, 'E[φ(z)²]', name);
  const meanSlopeSquarePhi = finiteMoment(base.dphi, kinks, 'E[φ′(z)²]', name);
  const shift = mode === 'normalized' ? meanPhi : 0;
  // variance (normalized) or second moment (standardized) of φ; relative threshold: a constant φ gives rounding only
  const spread = mode === 'normalized' ? meanSquarePhi - meanPhi * meanPhi : meanSquarePhi;
  if (!(spread > 1e-14 * Math.max(1, meanSquarePhi)))
    throw new RangeError(
      mode === 'normalized'
        ? `activation: ${name} has Var[φ(z)] = 0, it cannot be normalized`
        : `activation: ${name} has E[φ(z)²] = 0, it cannot be standardized`,
    );
  const scale = 1 / Math.sqrt(spread);
  const jump = kinks.some((k) => Math.abs(base.dphi(k + 1e-9) - base.dphi(k - 1e-9)) > 1e-6);
  const nl: Nonlinearity = {
    activation: name,
    mode,
    base,
    shift,
    scale,
    sigma: (x) => scale * (base.phi(x) - shift),
    dsigma: (x) => scale * base.dphi(x),
    sigmaDsigma: base.phiDphi
      ? (x, out) => {
          base.phiDphi!(x, out);
          out[0] = scale * (out[0] - shift);
          out[1] *= scale;
        }
      : (x, out) => {
          out[0] = scale * (base.phi(x) - shift);
          out[1] = scale * base.dphi(x);
        },
    kinks,
    meanPhi,
    meanSquarePhi,
    meanSigma: scale * (meanPhi - shift),
    meanSlopeSquare: scale * scale * meanSlopeSquarePhi,
    derivativeJump: jump,
  };
  if (key !== null) cache.set(key, nl);
  return nl;
}
