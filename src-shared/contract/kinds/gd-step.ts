// gd-step: one gradient-descent step on (x, y) for N networks and the relative change of the NTK (Seleznova &
// Kutyniok 2022, Thm 4.1).
import { gdStepParamsSchema, gdStepResultSchema } from '../gd-step';
import { defineKind } from './define';

/** Progress: the running estimate; done: the final one. */
export const gdStepKind = defineKind('gd-step', gdStepParamsSchema, { result: gdStepResultSchema });
