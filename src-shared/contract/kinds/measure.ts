// measure: Θ(x, x) (and Θ(x, x̃)) of N sampled networks at initialization, E[Θ] and the dispersion with SEs.
import { measureParamsSchema, measureResultSchema } from '../measure';
import { defineKind } from './define';

/** Progress: the running estimate; done: the final one (bootstrap SEs). */
export const measureKind = defineKind('measure', measureParamsSchema, { result: measureResultSchema });
