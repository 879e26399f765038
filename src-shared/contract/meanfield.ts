// The signal-propagation CLI contracts (issue 5, item 4): `ntk-lab meanfield --json` and `ntk-lab critical --json`.
// Add fields, never rename. A quantity that does not exist is null with a reason; JSON never carries NaN or ∞.
import { z } from 'zod';
import { sigmaB2Schema } from '../params';
import { activationNames } from '../network/activations';

const activationNameSchema = z
  .string({ error: 'activation must be a string' })
  .refine((s) => activationNames().includes(s), {
    error: (iss) => `unknown activation ${JSON.stringify(iss.input)}; known: ${activationNames().join(', ')}`,
  });

/** σ_w² for the mean-field commands: finite, > 0 (not capped at the plane's LIMITS; the critical scan stops at 16). */
const meanfieldSigmaW2Schema = z
  .number({ error: 'sigmaW2 (σ_w²) must be a number' })
  .refine(Number.isFinite, 'sigmaW2 (σ_w²) must be finite')
  .refine((v) => v > 0, 'sigmaW2 (σ_w²) must be > 0')
  .refine((v) => v <= 1e6, 'sigmaW2 (σ_w²) must be ≤ 1e6');

export const meanfieldParamsSchema = z.object({
  activation: activationNameSchema,
  sigmaW2: meanfieldSigmaW2Schema,
  sigmaB2: sigmaB2Schema,
});
export type MeanfieldParams = z.infer<typeof meanfieldParamsSchema>;

const nullableNumber = z.number().refine(Number.isFinite, 'must be finite').nullable();

export const meanfieldResultSchema = z.object({
  activation: z.string(),
  sigmaW2: z.number(),
  sigmaB2: z.number(),
  /** 'finite': a finite q* exists; 'none': the length map diverges (see reason). */
  fixedPoint: z.enum(['finite', 'none']),
  qStar: nullableNumber,
  chi1: nullableNumber,
  cStar: nullableNumber,
  chiC: nullableNumber,
  xi1: nullableNumber,
  xiC: nullableNumber,
  xiStar: nullableNumber,
  /** By χ₁: ordered < 1, critical = 1 (±1e-9), chaotic > 1; null when χ₁ is undefined (no q*, q-dependent χ₁). */
  phase: z.enum(['ordered', 'critical', 'chaotic']).nullable(),
  /** Why each null is null, and notes (e.g. a marginal fixed point). */
  reasons: z.record(z.string(), z.string()),
});
export type MeanfieldResult = z.infer<typeof meanfieldResultSchema>;

export const criticalParamsSchema = z.object({ activation: activationNameSchema, sigmaB2: sigmaB2Schema });
export type CriticalParams = z.infer<typeof criticalParamsSchema>;

export const criticalResultSchema = z.object({
  activation: z.string(),
  sigmaB2: z.number(),
  /** The σ_w² where χ₁ = 1, or null (reason says why: no transition in σ_w² ≤ 16, q* lost first, …). */
  sigmaW2: nullableNumber,
  /** q* at the critical point (null: q grows without bound there, e.g. ReLU with σ_b² > 0). */
  qStar: nullableNumber,
  reason: z.string().optional(),
  note: z.string().optional(),
});
export type CriticalResult = z.infer<typeof criticalResultSchema>;
