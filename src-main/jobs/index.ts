// The registry of job kinds: one definition per kind of src-shared/contract/kinds (a missing or extra one is a type
// error). The service's dispatch (check, run, pause support) and the CLI's job commands are derived from it; each
// definition names the pool work or TensorFlow.js task it runs, and those dispatch tables (engine/block-runners.ts,
// tf/tasks.ts) are keyed by the same names.
// To add a job kind: one module in this folder (defineJob), registered in JOBS.
import { z } from 'zod';
import { kindContract, type JobKind } from '../../src-shared/contract/kinds';
import type { JobOutput, JobSpec } from '../../src-shared/contract/messages';
import { describeZodError } from '../../src-shared/params';
import type { CliCommand } from '../cli/command';
import { jobCommand } from '../cli/job-command';
import { LabServiceError } from '../service/lab-error';
import { collapseTrainJob } from './collapse-train';
import { freezeChaosJob } from './freeze-chaos';
import type { JobControls, JobDefinition, JobEnv, LocalCheck, ProgressKind } from './define';
import { dksMeasureJob } from './dks-measure';
import { dksTrainJob } from './dks-train';
import { gdStepJob } from './gd-step';
import { lrSweepJob } from './lr-sweep';
import { measureJob } from './measure';
import { ntkChangeJob } from './ntk-change';
import { ntkSpectrumJob } from './ntk-spectrum';
import { sweepOpenJob } from './sweep-open';
import { trainabilityJob } from './trainability';
import { trainDynamicsJob } from './train-dynamics';
import { trustMapJob } from './trust-map';

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
  'sweep-open': sweepOpenJob,
  'dks-measure': dksMeasureJob,
  'dks-train': dksTrainJob,
  'collapse-train': collapseTrainJob,
  'ntk-change': ntkChangeJob,
  'trust-map': trustMapJob,
};

/** A job whose params passed its kind's check: what runs is exactly `params`. */
export interface CheckedJob {
  readonly kind: JobKind;
  /** The checked (resolved) params. */
  readonly params: unknown;
  readonly pausable: boolean;
  /** Whether a progress output replaces the previous one ('snapshot') or stands on its own ('record'). */
  readonly progress: ProgressKind;
  run(env: JobEnv, onProgress: (output: JobOutput) => void, controls: JobControls): Promise<JobOutput>;
}

/** Check a wire-validated job; throws LabServiceError ('bad-request' | 'refused') when it cannot run. */
export function checkJob(job: JobSpec, local?: LocalCheck): CheckedJob {
  const def = JOBS[job.kind] as AnyDefinition<JobKind>;
  const params: unknown = def.check(job.params, local);
  return {
    kind: job.kind,
    params,
    pausable: def.pausable,
    progress: def.progress,
    run: (env, onProgress, controls) => runContained(def, params, env, onProgress, controls),
  };
}

/**
 * Run a definition so that a bad progress record fails this job only: `emit` is called from a worker's message
 * listener (the TensorFlow.js host, the pool), where a throw from summarize (a schema.parse of what the worker sent)
 * would reach the process's uncaught-exception handler and take every client's jobs down with it.
 */
async function runContained(
  def: AnyDefinition<JobKind>,
  params: unknown,
  env: JobEnv,
  onProgress: (output: JobOutput) => void,
  controls: JobControls,
): Promise<JobOutput> {
  const ctl = new AbortController();
  const outer = controls.signal;
  const forward = (): void => ctl.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  let bad: LabServiceError | undefined;
  const emit = (partial: unknown): void => {
    if (bad || ctl.signal.aborted) return;
    try {
      onProgress(def.summarize(partial, env) as JobOutput);
    } catch (err) {
      const why = err instanceof z.ZodError ? describeZodError(err) : err instanceof Error ? err.message : String(err);
      bad = new LabServiceError('failed', `the ${def.title} job sent a malformed progress record: ${why}`);
      ctl.abort(bad);
    }
  };
  try {
    const out = await def.run(params, env, emit, { ...controls, signal: ctl.signal });
    if (bad) throw bad;
    return out as JobOutput;
  } catch (err) {
    throw bad ?? err;
  } finally {
    outer?.removeEventListener('abort', forward);
  }
}

/** Validate raw params of one kind against its wire schema (in-process callers), then check them. */
export function checkKind(kind: JobKind, raw: unknown, local?: LocalCheck): CheckedJob {
  const def = JOBS[kind] as AnyDefinition<JobKind>;
  const parsed = (kindContract(kind).params as z.ZodType).safeParse(raw);
  if (!parsed.success)
    throw new LabServiceError('bad-request', `invalid ${def.title} parameters: ${describeZodError(parsed.error)}`);
  return checkJob({ kind, params: parsed.data } as JobSpec, local);
}

/** `ntk-lab <kind>` for every kind, sorted by name. */
export function jobCommands(): CliCommand[] {
  return Object.values(JOBS)
    .map((def) => jobCommand(def as AnyDefinition<JobKind>))
    .sort((a, b) => a.name.localeCompare(b.name));
}
