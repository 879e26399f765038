// The "Training dynamics" tab's logic (issue 4 item 5; Seleznova & Kutyniok 2022, §4.2, Fig. 4), free of DOM and
// Svelte: the controls turned into one validated run per σ_w², the work model and the ETA. The session that runs them
// is train-dynamics-session.ts; the plotted series and the export rows are train-dynamics-series.ts.
import { gpuBackend } from './paper-offer';
import { LIMITS } from '../../src-shared/params';
import {
  estimateTrainDynamicsCost,
  PAPER_SIZE,
  parseTrainDynamicsParams,
  trainDynamicsParamsSchema,
  type TrainDynamicsParams,
} from '../../src-shared/contract/train-dynamics';
import type { TensorflowInfo } from '../../src-shared/contract/messages';
import type { RunState, SessionSnapshot } from './train-dynamics-session';

// ---------------------------------------------------------------------------------------------------------
// Controls and the plan

/** Fig. 4's three initializations: ordered, EOC, chaotic. */
export const FIG4_SIGMAS: readonly number[] = [1.0, 2.0, 2.2];
/** Runs per Start: each is a full training run (minutes on CPU). */
const MAX_RUNS = 6;

export interface TrainControls {
  sigmas: number[];
  depth: number;
  width: number;
  steps: number;
  optimizer: 'adam' | 'sgd';
  lr: number;
  batchSize: number;
  trainSize: number;
  testSize: number;
  /** Steps to record at; undefined: defaultRecordSteps(steps). */
  recordAt?: number[];
  seed: number;
}

const schemaDefaults = trainDynamicsParamsSchema.parse({});

/** The CPU-reduced replica of Fig. 4 (the contract's defaults: L = 20 kept, M and steps reduced). */
export const CPU_DEFAULT: TrainControls = {
  sigmas: [...FIG4_SIGMAS],
  depth: schemaDefaults.depth,
  width: schemaDefaults.width,
  steps: schemaDefaults.steps,
  optimizer: schemaDefaults.optimizer,
  lr: schemaDefaults.lr,
  batchSize: schemaDefaults.batchSize,
  trainSize: schemaDefaults.trainSize,
  testSize: schemaDefaults.testSize,
  recordAt: undefined,
  seed: schemaDefaults.seed,
};

/** Fig. 4's sizes (contract PAPER_SIZE): for a GPU. */
export const PAPER_CONTROLS: TrainControls = {
  ...CPU_DEFAULT,
  depth: PAPER_SIZE.depth ?? CPU_DEFAULT.depth,
  width: PAPER_SIZE.width ?? CPU_DEFAULT.width,
  steps: PAPER_SIZE.steps ?? CPU_DEFAULT.steps,
  optimizer: PAPER_SIZE.optimizer ?? CPU_DEFAULT.optimizer,
  lr: PAPER_SIZE.lr ?? CPU_DEFAULT.lr,
  batchSize: PAPER_SIZE.batchSize ?? CPU_DEFAULT.batchSize,
  trainSize: PAPER_SIZE.trainSize ?? CPU_DEFAULT.trainSize,
  testSize: PAPER_SIZE.testSize ?? CPU_DEFAULT.testSize,
  recordAt: PAPER_SIZE.recordAt ? [...PAPER_SIZE.recordAt] : undefined,
};

export type PresetName = 'cpu' | 'paper';

/** Which preset the controls are exactly at (σ_w² list and seed aside), else null ("custom"). */
export function presetOf(c: TrainControls): PresetName | null {
  const same = (p: TrainControls) =>
    (['depth', 'width', 'steps', 'optimizer', 'lr', 'batchSize', 'trainSize', 'testSize'] as const).every(
      (k) => c[k] === p[k],
    ) && JSON.stringify(c.recordAt ?? null) === JSON.stringify(p.recordAt ?? null);
  return same(CPU_DEFAULT) ? 'cpu' : same(PAPER_CONTROLS) ? 'paper' : null;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function splitList(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((t) => t.trim().replace(/\u2212/g, '-'))
    .filter((t) => t !== '');
}

/** "1, 2, 2.2" → [1, 2, 2.2] (sorted, distinct); RangeError with a readable reason otherwise. */
export function parseSigmaList(text: string): number[] {
  const parts = splitList(text);
  if (parts.length === 0) throw new RangeError('σ_w² list is empty: give one or more values, e.g. 1, 2, 2.2');
  const out: number[] = [];
  for (const t of parts) {
    if (!DECIMAL.test(t)) throw new RangeError(`σ_w² list: “${t.slice(0, 20)}” is not a number`);
    const v = Number(t);
    if (!(v > 0)) throw new RangeError(`σ_w² list: ${t} must be > 0`);
    if (v > LIMITS.sigmaW2Max) throw new RangeError(`σ_w² list: ${t} must be ≤ ${LIMITS.sigmaW2Max}`);
    if (!out.includes(v)) out.push(v);
  }
  if (out.length > MAX_RUNS)
    throw new RangeError(`σ_w² list: at most ${MAX_RUNS} values (each is a full training run)`);
  return out.sort((a, b) => a - b);
}

/** Recorded steps: "" → undefined (the default 0, 1, 2, 5, 10, …); else integers in [0, steps], sorted and distinct. */
export function parseStepList(text: string, steps: number, what = 'record steps'): number[] | undefined {
  const parts = splitList(text);
  if (parts.length === 0) return undefined;
  const out = new Set<number>();
  for (const t of parts) {
    if (!DECIMAL.test(t)) throw new RangeError(`${what}: “${t.slice(0, 20)}” is not a number`);
    const v = Number(t);
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${what}: ${t} must be a whole number ≥ 0`);
    if (v > steps) throw new RangeError(`${what}: ${t} is beyond steps = ${steps}`);
    out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

export const formatList = (xs: readonly number[]): string => xs.join(', ');

export interface PlannedRun {
  sigmaW2: number;
  params: TrainDynamicsParams;
}

/** One validated parameter set per σ_w² (the contract's own check; RangeError with its reasons). */
export function planRuns(c: TrainControls): PlannedRun[] {
  if (c.sigmas.length === 0) throw new RangeError('σ_w² list is empty');
  return c.sigmas.map((sigmaW2) => ({
    sigmaW2,
    params: parseTrainDynamicsParams({
      sigmaW2,
      depth: c.depth,
      width: c.width,
      steps: c.steps,
      optimizer: c.optimizer,
      lr: c.lr,
      batchSize: c.batchSize,
      trainSize: c.trainSize,
      testSize: c.testSize,
      recordAt: c.recordAt,
      seed: c.seed,
    }),
  }));
}

/** Effective training throughput on the CPU (tfjs-wasm, one thread): the calibrated cost model's. */
export { TRAIN_CPU_FLOPS_PER_SECOND as CPU_FLOPS_PER_SECOND } from '../../src-shared/network/cost-model';

export interface PlanCost {
  /** Per run (all runs have the same sizes). */
  flopsPerRun: number;
  bytes: number;
  parameters: number;
  recordsPerRun: number;
  totalFlops: number;
}

export function planCost(plan: readonly PlannedRun[]): PlanCost {
  if (plan.length === 0) throw new RangeError('no runs planned');
  const p = plan[0].params;
  const c = estimateTrainDynamicsCost(p, p.recordAt.length);
  return {
    flopsPerRun: c.flops,
    bytes: c.bytes,
    parameters: c.parameters,
    recordsPerRun: p.recordAt.length,
    totalFlops: c.flops * plan.length,
  };
}

/**
 * A GPU backend is running: a CUDA device (tfjs-node-gpu that found no GPU reports a CPU device) or webgpu on a
 * hardware adapter (paper-offer.ts gpuBackend).
 */
export function isGpu(tf: TensorflowInfo | undefined): boolean {
  return gpuBackend(tf).active;
}

// ---------------------------------------------------------------------------------------------------------
// Work model and ETA: a step costs 6·batch·P flops, a record the loss over train+test and 10 NTK passes (the
// contract's cost model); measured seconds between records fix the scale.

function workModel(p: TrainDynamicsParams): { stepFlops: number; recordFlops: number } {
  const one = estimateTrainDynamicsCost({ ...p, steps: 1 }, 0).flops; // one step, no record
  const rec = estimateTrainDynamicsCost({ ...p, steps: 0 }, 1).flops; // one record, no step
  return { stepFlops: one, recordFlops: rec };
}

/** Work (flops) done when the record at recordAt[k] is in: the steps up to it and records 0..k. */
export function workAt(p: TrainDynamicsParams, k: number): number {
  const m = workModel(p);
  return p.recordAt[k] * m.stepFlops + (k + 1) * m.recordFlops;
}

const totalWork = (p: TrainDynamicsParams): number => workAt(p, p.recordAt.length - 1);

/**
 * Seconds per flop measured on a run: from its first to its last record (start-up excluded), pauses taken out.
 * null with fewer than two records.
 */
export function measuredRate(run: RunState): number | null {
  const n = run.records.length;
  if (n < 2) return null;
  const k0 = 0;
  const k1 = n - 1;
  const dt = run.records[k1].seconds - run.records[k0].seconds - run.pausedSecondsBetween(k0, k1);
  const dw = workAt(run.params, k1) - workAt(run.params, k0);
  return dw > 0 && dt > 0 ? dt / dw : null;
}

export interface Eta {
  /** Seconds left in the current run, and in the whole session (queued runs at the same rate); null until measured. */
  run: number | null;
  session: number | null;
  /** Fraction of the current run's work done. */
  fraction: number;
}

/**
 * ETA at wall time `nowMs`: the current run's rate (or the last finished run's) times the work left, minus the active
 * time since its last record; queued runs have the same sizes, so the same work each.
 */
export function etaOf(snapshot: SessionSnapshot, nowMs: number): Eta {
  const cur = snapshot.current === null ? undefined : snapshot.runs[snapshot.current];
  if (!cur) return { run: null, session: null, fraction: 0 };
  const total = totalWork(cur.params);
  const k = cur.records.length - 1;
  const done = k >= 0 ? workAt(cur.params, k) : 0;
  let rate = measuredRate(cur);
  if (rate === null) {
    for (let i = snapshot.runs.length - 1; i >= 0 && rate === null; i--)
      if (i !== snapshot.current) rate = measuredRate(snapshot.runs[i]);
  }
  const fraction = Math.min(1, done / total);
  if (rate === null) return { run: null, session: null, fraction };
  const sinceRecord =
    k >= 0 && cur.lastRecordMs !== null ? Math.max(0, nowMs - cur.lastRecordMs - cur.pausedMsSince(nowMs)) / 1000 : 0;
  const run = Math.max(0, rate * (total - done) - sinceRecord);
  const queued = snapshot.runs.filter((r) => r.status === 'queued').length;
  return { run, session: run + queued * rate * total, fraction };
}
