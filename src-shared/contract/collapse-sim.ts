// The collapse simulator's parameters and output (CLI `ntk-lab collapse-sim --json`, the renderer's panel):
// gradient flow under a block-structured feature kernel, Seleznova et al. 2023 / Seleznova 2024 (thesis) §3.3.
// JSON contract: fields are added, never renamed.
import { z } from 'zod';

const MAX_STATE = 200_000;

export const collapseSimParamsSchema = z
  .object({
    /** C classes. */
    classes: z.number().int('must be an integer').min(2, 'needs at least 2 classes').max(100),
    /** m samples per class (m ≥ 2: a class needs within-class variation). */
    perClass: z.number().int('must be an integer').min(2, 'm must be ≥ 2').max(1000),
    /** n last-layer features. */
    features: z.number().int('must be an integer').min(2).max(1000),
    kappaD: z.number(),
    kappaC: z.number(),
    kappaN: z.number().min(0, 'κ_n must be ≥ 0 (Def. 3.1: λ₃ ≥ 0)'),
    /** 'random': Gaussian features and weights (E ≠ 0); 'aligned': E = 0, ⟨h⟩ = 0, b = 1/C (Theorem 5.2). */
    init: z.enum(['random', 'aligned']).default('random'),
    /** Integrate over t ∈ [0, tMax]. */
    tMax: z.number().gt(0, 'must be > 0').max(1e6),
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** Trace points, log-spaced in t (plus t = 0). */
    tracePoints: z.number().int().min(2).max(10_000).default(100),
  })
  .superRefine((p, ctx) => {
    if (!(p.kappaD > p.kappaC)) {
      ctx.addIssue({
        code: 'custom',
        path: ['kappaD'],
        message: `κ_d (${p.kappaD}) must exceed κ_c (${p.kappaC}): not block-structured (Def. 3.1 needs λ₁ > λ₂)`,
      });
    }
    if (p.kappaC < p.kappaN) {
      ctx.addIssue({
        code: 'custom',
        path: ['kappaC'],
        message: `κ_c (${p.kappaC}) must be ≥ κ_n (${p.kappaN}): not block-structured (Def. 3.1 needs λ₂ ≥ λ₃)`,
      });
    }
    if (p.features <= p.classes) {
      ctx.addIssue({
        code: 'custom',
        path: ['features'],
        message: `n (${p.features}) must exceed the number of classes C (${p.classes}): the theory needs n > C`,
      });
    }
    const state = p.features * p.classes * p.perClass + p.classes * (p.features + 1);
    if (state > MAX_STATE) {
      ctx.addIssue({
        code: 'custom',
        path: ['features'],
        message: `n·C·m = ${p.features * p.classes * p.perClass} features values is beyond this simulator (≤ ${MAX_STATE})`,
      });
    }
  });
export type CollapseSimParams = z.infer<typeof collapseSimParamsSchema>;
export type CollapseSimParamsInput = z.input<typeof collapseSimParamsSchema>;

const residualSchema = z.object({ global: z.number(), class: z.number(), single: z.number() });

const collapseTracePointSchema = z.object({
  t: z.number(),
  nc1: z.number(),
  nc2: z.number(),
  nc3: z.number(),
  h2Norm: z.number(),
  /** max over [0, t] of ‖E(t) − E(0)‖_F. */
  invariantDrift: z.number(),
  loss: z.number(),
  residual: residualSchema,
  meanFeatureNorm: z.number(),
  invariantAlignment: z.number(),
});
export type CollapseTracePoint = z.infer<typeof collapseTracePointSchema>;

export const collapseSimResultSchema = z.object({
  classes: z.number(),
  perClass: z.number(),
  features: z.number(),
  kappaD: z.number(),
  kappaC: z.number(),
  kappaN: z.number(),
  init: z.enum(['random', 'aligned']),
  tMax: z.number(),
  seed: z.number(),
  /** Eigenvalues μ_single, μ_class, μ_global of Θ^h_{k,k}(X) (Table 1) and α of eq. (26). */
  eigenvalues: z.object({ single: z.number(), class: z.number(), global: z.number() }),
  alpha: z.number(),
  /** ‖E(0)‖_F: 0 (to rounding) for the aligned init. */
  invariantNorm0: z.number(),
  final: collapseTracePointSchema,
  trace: z.array(collapseTracePointSchema),
  /** The integrator (Rodas5P, or ODEX beyond 2nC + C = 128; `method` names it), its tolerance and work. */
  integrator: z.object({
    method: z.string(),
    tolerance: z.number(),
    steps: z.number(),
    rejected: z.number(),
    /** Derivative evaluations. */
    evaluations: z.number(),
    /** Linearly implicit methods only: Jacobian evaluations and LU factorizations (one per attempted step). */
    jacobians: z.number().optional(),
    factorizations: z.number().optional(),
  }),
});
export type CollapseSimResult = z.infer<typeof collapseSimResultSchema>;
