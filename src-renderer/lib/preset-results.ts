// Finished Paper-figure runs as they are kept across reloads and in lab files (lab-store.svelte.ts): per preset, the
// options it ran with and each job's final MeasureResult (null where the job did not finish). Restoring re-expands
// the preset from its options (deterministic) and checks every result against its job, so a file can never put a
// point where its network was not measured. Pure: unit-tested.
import { z } from 'zod';
import { measureResultSchema, type MeasureResult } from '../../src-shared/contract/measure';
import { expandPreset, presetById, type ExpandOptions, type PresetExpansion } from '../../src-shared/presets';
import { PRESET_IDS, type PresetId } from '../../src-shared/presets-model';
import type { JobState, RunProgress } from './preset-runner';

export interface KeptRun {
  options: ExpandOptions;
  /** How long the run took (shown in its progress line). */
  elapsedMs: number;
  /** One per job of the expansion, in order; null: not finished. */
  results: (MeasureResult | null)[];
}
export type KeptRuns = Partial<Record<PresetId, KeptRun>>;

const keptRunSchema = z.object({
  options: z.object({
    samples: z.number().int().positive().optional(),
    seed: z.number().int().nonnegative().optional(),
    maxDepthsPerPanel: z.number().int().positive().optional(),
  }),
  elapsedMs: z.number().nonnegative(),
  results: z.array(measureResultSchema.nullable()).max(10_000),
});
const keptRunsSchema = z.partialRecord(z.enum(PRESET_IDS), keptRunSchema);

/** What a run keeps: its finished points (null when none finished, or it is still running). */
export function keepRun(
  options: ExpandOptions,
  states: readonly JobState[],
  progress: Pick<RunProgress, 'status' | 'elapsedMs'>,
): KeptRun | null {
  if (progress.status === 'running' || progress.status === 'idle') return null;
  const results = states.map((s) => (s.status === 'done' && s.result ? s.result : null));
  if (results.every((r) => r === null)) return null;
  return { options: { ...options }, elapsedMs: progress.elapsedMs, results };
}

export interface RestoredRun {
  presetId: PresetId;
  options: ExpandOptions;
  expansion: PresetExpansion;
  states: JobState[];
  progress: RunProgress;
}

/** Runs from a saved state or lab file; a run that does not match its preset is refused with the reason. */
export function restoreRuns(value: unknown): { runs: RestoredRun[]; problems: string[] } {
  const parsed = keptRunsSchema.safeParse(value);
  if (!parsed.success) return { runs: [], problems: [`not a set of figure runs (${parsed.error.issues[0].message})`] };
  const runs: RestoredRun[] = [];
  const problems: string[] = [];
  for (const id of PRESET_IDS) {
    const kept = parsed.data[id];
    if (!kept) continue;
    const r = restoreRun(id, kept);
    if (typeof r === 'string') problems.push(`${id}: ${r}`);
    else runs.push(r);
  }
  return { runs, problems };
}

function restoreRun(presetId: PresetId, kept: KeptRun): RestoredRun | string {
  let expansion: PresetExpansion;
  try {
    expansion = expandPreset(presetById(presetId), kept.options);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (kept.results.length !== expansion.jobs.length) {
    return `${kept.results.length} results for ${expansion.jobs.length} points`;
  }
  const states: JobState[] = [];
  let networks = 0;
  for (const [i, job] of expansion.jobs.entries()) {
    const r = kept.results[i];
    if (!r) {
      states.push({ status: 'cancelled' });
      continue;
    }
    const p = job.params;
    if (r.sigmaW2 !== p.sigmaW2 || r.depth !== p.depth || r.width !== p.width || r.seed !== p.seed || !r.done) {
      return `result ${i} is not the network of point ${job.key}`;
    }
    states.push({ status: 'done', result: r });
    networks += r.samples;
  }
  const done = states.filter((s) => s.status === 'done').length;
  return {
    presetId,
    options: kept.options,
    expansion,
    states,
    progress: {
      status: done === states.length ? 'finished' : 'cancelled',
      jobsTotal: states.length,
      jobsDone: done,
      jobsRunning: 0,
      jobsFailed: 0,
      networks,
      networksTotal: expansion.jobs.reduce((s, j) => s + j.params.samples, 0),
      elapsedMs: kept.elapsedMs,
      etaMs: null,
    },
  };
}
