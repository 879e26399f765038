// One validated parameter vocabulary shared by every layer (renderer, service, engine, CLI).
// Names follow Seleznova & Kutyniok 2022, §2: sigmaW2 = σ_w², depth = L (number of weight layers), width = M (hidden
// width),
// inputDim = n₀ = α₀·M, depthToWidth = λ = L/M.
import { z } from 'zod';

export type Phase = 'ordered' | 'edge-of-chaos' | 'chaotic';

/** Upper bounds that keep every computation finite and every request bounded in time and memory. */
export const LIMITS = {
  sigmaW2Max: 16,
  depthMax: 100_000,
  widthMax: 1_000_000,
  inputDimMax: 10_000_000,
  samplesMax: 10_000_000,
} as const;

const positiveFinite = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .refine(Number.isFinite, `${what} must be finite`)
    .refine((v) => v > 0, `${what} must be > 0`);
const positiveInt = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be an integer`)
    .min(1, `${what} must be ≥ 1`)
    .max(max, `${what} must be ≤ ${max}`);

export const sigmaW2Schema = positiveFinite('sigmaW2 (σ_w²)').refine(
  (v) => v <= LIMITS.sigmaW2Max,
  `sigmaW2 (σ_w²) must be ≤ ${LIMITS.sigmaW2Max}`,
);
export const sigmaB2Schema = z
  .number({ error: 'sigmaB2 (σ_b²) must be a number' })
  .refine(Number.isFinite, 'sigmaB2 (σ_b²) must be finite')
  .refine((v) => v >= 0, 'sigmaB2 (σ_b²) must be ≥ 0');
export const depthSchema = positiveInt('depth (L)', LIMITS.depthMax);
export const widthSchema = positiveInt('width (M)', LIMITS.widthMax);
export const inputDimSchema = positiveInt('inputDim (n₀)', LIMITS.inputDimMax);
export const samplesSchema = positiveInt('samples (N)', LIMITS.samplesMax);
export const seedSchema = z
  .number({ error: 'seed must be a number' })
  .int('seed must be an integer')
  .min(0, 'seed must be ≥ 0')
  .max(2 ** 32 - 1, 'seed must be < 2^32');
export const pairCosSchema = z
  .number({ error: 'pairCos must be a number' })
  .refine(Number.isFinite, 'pairCos must be finite')
  .refine((v) => v >= -1 && v <= 1, 'pairCos must lie in [−1, 1]');

/**
 * A fully-connected ReLU network as in Seleznova & Kutyniok 2022, eq. (3): L weight layers, L−1 hidden layers of width
 * M, scalar output.
 */
export const networkSchema = z.object({
  sigmaW2: sigmaW2Schema,
  depth: depthSchema,
  width: widthSchema,
  inputDim: inputDimSchema,
});
export type Network = z.infer<typeof networkSchema>;

/**
 * α₀ = n₀/M (Seleznova & Kutyniok 2022, eq. 5). n₀ is an integer, so α₀ is rounded to the nearest realizable value (at
 * least 1 input).
 */
export function inputDimFromAlpha0(alpha0: number, width: number): number {
  if (!Number.isFinite(alpha0) || alpha0 <= 0) throw new RangeError('alpha0 (α₀ = n₀/M) must be a finite number > 0');
  return Math.max(1, Math.round(alpha0 * width));
}

/**
 * Phase of a ReLU network (σ_b = 0): a = σ_w²/2 < 1 ordered, = 1 edge of chaos, > 1 chaotic (Seleznova & Kutyniok 2022,
 * §2.2).
 */
export function phaseOf(sigmaW2: number, eocTolerance = 1e-9): Phase {
  const a = sigmaW2 / 2;
  if (Math.abs(a - 1) <= eocTolerance) return 'edge-of-chaos';
  return a < 1 ? 'ordered' : 'chaotic';
}

/** Format a zod error as one readable line per issue ("sigmaW2: must be > 0"). */
export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
