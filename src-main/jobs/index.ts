// The registry of job kinds: one definition per kind of src-shared/contract/kinds (a missing or extra one is a type
// error). The service's dispatch (check, run, pause support) and the CLI's job commands are derived from it; each
// definition names the pool work or TensorFlow.js task it runs, and those dispatch tables (engine/block-runners.ts,
// tf/tasks.ts) are keyed by the same names.
// To add a job kind: one module in this folder (defineJob), registered in JOBS.
import type { z } from 'zod';
import { kindContract, type JobKind } from '../../src-shared/contract/kinds';
import type { JobOutput, JobSpec } from '../../src-shared/contract/messages';
import { describeZodError } from '../../src-shared/params';
import type { CliCommand } from '../cli/command';
import { jobCommand } from '../cli/job-command';
import { LabServiceError } from '../service/lab-error';
import type { JobControls, JobDefinition, JobEnv } from './define';
import { freezeChaosJob } from './freeze-chaos';
import { dksMeasureJob } from './dks-measure';
import { dksTrainJob } from './dks-train';
import { gdStepJob } from './gd-step';
import { lrSweepJob } from './lr-sweep';
import { measureJob } from './measure';
import { ntkSpectrumJob } from './ntk-spectrum';
import { trainabilityJob } from './trainability';
import { trainDynamicsJob } from './train-dynamics';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own checked/partial types
type AnyDefinition<K extends JobKind> = JobDefinition<K, any, any>;

export const JOBS: { readonly [K in JobKind]: AnyDefinition<K> } = {
  measure: measureJob,
  'gd-step': gdStepJob,
  'train-dynamics': trainDynamicsJob,
  'ntk-spectrum': ntkSpectrumJob,
  trainability: trainabilityJob,
  'lr-sweep': lrSweepJob,
  'freeze-chaos': freezeChaosJob,
  'dks-measure': dksMeasureJob,
  'dks-train': dksTrainJob,
};

/** A job whose params passed its kind's check: what runs is exactly `params`. */
export interface CheckedJob {
  readonly kind: JobKind;
  /** The checked (resolved) params. */
  readonly params: unknown;
  readonly pausable: boolean;
  run(env: JobEnv, onProgress: (output: JobOutput) => void, controls: JobControls): Promise<JobOutput>;
}

/** Check a wire-validated job; throws LabServiceError ('bad-request' | 'refused') when it cannot run. */
export function checkJob(job: JobSpec): CheckedJob {
  const def = JOBS[job.kind] as AnyDefinition<JobKind>;
  const params: unknown = def.check(job.params);
  return {
    kind: job.kind,
    params,
    pausable: def.pausable,
    run: (env, onProgress, controls) =>
      def.run(params, env, (partial: unknown) => onProgress(def.summarize(partial, env) as JobOutput), controls),
  };
}

/** Validate raw params of one kind against its wire schema (in-process callers), then check them. */
export function checkKind(kind: JobKind, raw: unknown): CheckedJob {
  const def = JOBS[kind] as AnyDefinition<JobKind>;
  const parsed = (kindContract(kind).params as z.ZodType).safeParse(raw);
  if (!parsed.success)
    throw new LabServiceError('bad-request', `invalid ${def.title} parameters: ${describeZodError(parsed.error)}`);
  return checkJob({ kind, params: parsed.data } as JobSpec);
}

/** `ntk-lab <kind>` for every kind, sorted by name. */
export function jobCommands(): CliCommand[] {
  return Object.values(JOBS)
    .map((def) => jobCommand(def as AnyDefinition<JobKind>))
    .sort((a, b) => a.name.localeCompare(b.name));
}
