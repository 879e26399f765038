// The measured-DKS-maps contract (issue 14, item 3): q_l and c_l of sampled networks (a chain of D combined layers
// z_l = φ̂(W_l z_{l−1}), W_l iid N(0, 1/k), zero biases, two inputs with q = 1 and cosine c₀) against the Q and C
// maps' prediction (Martens et al. 2021 (DKS), Sec. 6–7), per width and recorded layer, ± SE. φ̂ is the DKS
// transform of φ for ζ and D (the first root, as `ntk-lab dks` reports it), or φ itself with transform 'none'.
// Also a CLI JSON contract (`ntk-lab dks-measure --json`): add fields, never rename.
import { z } from 'zod';
import { int, finite } from './number-fields';
import { seedSchema } from '../params';
import { dksActivationNames } from '../theory/dks';
import { estimateSchema } from './measure';

export const DKS_MEASURE_LIMITS = {
  depthMax: 1000,
  widthMax: 4096,
  widthsMax: 8,
  layersMax: 16,
  samplesMax: 100_000,
} as const;

export const dksMeasureParamsSchema = z
  .object({
    activation: z
      .string()
      .refine((a) => dksActivationNames().includes(a), `activation must be one of ${dksActivationNames().join(', ')}`)
      .default('softplus'),
    /** The global C′(1) = ζ the transform is solved for (plain chain: ψ = ζ^(1/D)). */
    zeta: finite('zeta (ζ)')
      .refine((v) => v > 1, 'zeta (ζ) must be > 1')
      .default(1.5),
    /** D, the depth the transform is solved for. */
    depth: int('depth (D)', 1, DKS_MEASURE_LIMITS.depthMax).default(100),
    /** 'dks': the sampled networks use φ̂; 'none': φ itself (weights 1/k, as the "before" maps). */
    transform: z.enum(['dks', 'none']).default('dks'),
    widths: z
      .array(int('width (M)', 1, DKS_MEASURE_LIMITS.widthMax))
      .min(1, 'widths must list at least one width')
      .max(DKS_MEASURE_LIMITS.widthsMax, `at most ${DKS_MEASURE_LIMITS.widthsMax} widths`),
    /** The layers l at which q_l and c_l are recorded (each ≤ D). */
    layers: z
      .array(int('layer (l)', 1, DKS_MEASURE_LIMITS.depthMax))
      .min(1, 'layers must list at least one layer')
      .max(DKS_MEASURE_LIMITS.layersMax, `at most ${DKS_MEASURE_LIMITS.layersMax} layers`),
    /** Cosine c₀ of the two inputs. */
    cos: finite('cos (c₀)')
      .refine((c) => c >= -1 && c <= 1, 'cos (c₀) must lie in [−1, 1]')
      .default(0.5),
    samples: int('samples (N)', 2, DKS_MEASURE_LIMITS.samplesMax).default(200),
    /**
     * Also Θ(x, x) of the D-layer chain with a linear readout, every weight trained, per width: E[Θ] and the dispersion
     * E[Θ²]/E[Θ]² ± SE against the infinite-width NTK recursion (theory/dks/ntk.ts; dispersion → 1). Needs N ≥ 3.
     */
    ntk: z.boolean({ error: 'ntk must be true or false' }).default(false),
    seed: seedSchema.default(1),
  })
  .refine((p) => p.layers.every((l) => l <= p.depth), {
    message: 'every layer must be ≤ depth (D)',
    path: ['layers'],
  })
  .refine((p) => !p.ntk || p.samples >= 3, {
    message: 'samples (N) must be ≥ 3 for the NTK dispersion',
    path: ['samples'],
  });
export type DksMeasureParams = z.infer<typeof dksMeasureParamsSchema>;
export type DksMeasureParamsInput = z.input<typeof dksMeasureParamsSchema>;

export const dksMeasurePointSchema = z.object({
  width: z.number(),
  layer: z.number(),
  /** q_l = ‖z_l(x)‖²/M over networks. */
  q: estimateSchema,
  /** c_l, the cosine of the two inputs' layer-l outputs, over networks. */
  c: estimateSchema,
  /** The maps' prediction (M → ∞): q_l = Q(q_{l−1}), c_l = C(c_{l−1}; q_{l−1}). */
  predicted: z.object({ q: z.number(), c: z.number() }),
  samples: z.number(),
  seconds: z.number(),
});
export type DksMeasurePoint = z.infer<typeof dksMeasurePointSchema>;

/** One width of the NTK measurement (params.ntk): Θ(x, x) of the D-layer chain with a linear readout. */
export const dksMeasureNtkPointSchema = z.object({
  width: z.number(),
  depth: z.number(),
  /** E[Θ(x, x)] over networks, ± SE. */
  theta: estimateSchema,
  /** E[Θ²]/E[Θ]² (leave-one-out estimator), ± SE (delta method). */
  dispersion: estimateSchema,
  /** M → ∞: Θ of the NTK recursion with φ̂ (Σ_{j ≤ D} ψ^j for the DKS φ̂), dispersion 1. */
  predicted: z.object({ theta: z.number(), dispersion: z.number() }),
  samples: z.number(),
  seconds: z.number(),
});
export type DksMeasureNtkPoint = z.infer<typeof dksMeasureNtkPointSchema>;

const transformSchema = z.object({ alpha: z.number(), beta: z.number(), gamma: z.number(), delta: z.number() });
/** What ran: ψ and the transform (null for 'none'). */
export const dksMeasureSetupSchema = z.object({ psi: z.number(), transform: transformSchema.nullable() });
export type DksMeasureSetup = z.infer<typeof dksMeasureSetupSchema>;
