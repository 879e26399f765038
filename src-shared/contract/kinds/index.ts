// The list of job kinds. Everything that enumerates kinds is built from it: the wire unions (jobSpecSchema,
// jobOutputSchema) here, and on the main side the registry of src-main/jobs/index.ts, which must hold one
// definition per kind listed here (a type error otherwise).
// To add a job kind: one contract module in this folder, one line in JOB_KINDS (and its main-side module).
import { z } from 'zod';
import { collapseTrainKind } from './collapse-train';
import { freezeChaosKind } from './freeze-chaos';
import { dksMeasureKind } from './dks-measure';
import { dksTrainKind } from './dks-train';
import { gdStepKind } from './gd-step';
import { lrSweepKind } from './lr-sweep';
import { measureKind } from './measure';
import { ntkChangeKind } from './ntk-change';
import { ntkSpectrumKind } from './ntk-spectrum';
import { sweepOpenKind } from './sweep-open';
import { trainabilityKind } from './trainability';
import { trainDynamicsKind } from './train-dynamics';
import { trustMapKind } from './trust-map';

export const JOB_KINDS = [
  measureKind,
  gdStepKind,
  trainDynamicsKind,
  ntkSpectrumKind,
  trainabilityKind,
  lrSweepKind,
  freezeChaosKind,
  sweepOpenKind,
  dksMeasureKind,
  dksTrainKind,
  collapseTrainKind,
  ntkChangeKind,
  trustMapKind,
] as const;

type Kinds = typeof JOB_KINDS;
export type JobKind = Kinds[number]['kind'];
/** The contract of kind K. */
export type KindOf<K extends JobKind> = Extract<Kinds[number], { kind: K }>;
/** Params of kind K as validated on the wire (before the kind's own check resolves them). */
export type JobParamsOf<K extends JobKind> = z.infer<KindOf<K>['params']>;
/** A progress or done output of kind K. */
export type JobOutputOf<K extends JobKind> = z.infer<KindOf<K>['output']>;

// homomorphic over a type parameter, so the tuple stays a tuple (z.discriminatedUnion needs one)
type SpecsOf<T extends readonly unknown[]> = { [I in keyof T]: T[I] extends { spec: infer S } ? S : never };
type OutputsOf<T extends readonly unknown[]> = { [I in keyof T]: T[I] extends { output: infer O } ? O : never };
type Specs = SpecsOf<Kinds>;
type Outputs = OutputsOf<Kinds>;

/** A job of any kind the service runs: `{ kind, params }`. */
export const jobSpecSchema = z.discriminatedUnion('kind', JOB_KINDS.map((k) => k.spec) as unknown as Specs);
/** A partial or final output of a job, tagged with its kind. */
export const jobOutputSchema = z.discriminatedUnion('kind', JOB_KINDS.map((k) => k.output) as unknown as Outputs);

/** The contract of one kind by name. */
export function kindContract<K extends JobKind>(kind: K): KindOf<K> {
  const found = JOB_KINDS.find((k) => k.kind === kind);
  if (!found) throw new Error(`unknown job kind ${JSON.stringify(kind)}`);
  return found as KindOf<K>;
}
