// The "Training dynamics" tab's logic (issue 4 item 5; seed 004 §4.2, Fig. 4), free of DOM and Svelte: the controls
// turned into one validated run per σ_w², the session that runs them one after another through the lab (the TF worker
// runs one training job at a time anyway) with pause/resume/cancel, the plotted series, the ETA, and the export rows.
import { interpolateHcl } from 'd3';
import { LIMITS, phaseOf } from '../../src-shared/params';
import {
  defaultRecordSteps,
  estimateTrainDynamicsCost,
  NTK_SUBSET_SIZE,
  PAPER_SIZE,
  parseTrainDynamicsParams,
  trainDynamicsParamsSchema,
  type TrainDynamicsParams,
  type TrainDynamicsRecord,
} from '../../src-shared/contract/train-dynamics';
import type { JobOutput, TensorflowInfo } from '../../src-shared/contract/messages';
import type { LabClient, PausableJobHandle } from './lab-api';
import { errorCode, errorMessage } from './lab-jobs';

// ---------------------------------------------------------------------------------------------------------
// Controls and the plan

/** Fig. 4's three initializations: ordered, EOC, chaotic. */
export const FIG4_SIGMAS: readonly number[] = [1.0, 2.0, 2.2];
/** Runs per Start: each is a full training run (minutes on CPU). */
export const MAX_RUNS = 6;

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

/** A CUDA device is running (tfjs-node-gpu that found no GPU reports a CPU device). */
export function isGpu(tf: TensorflowInfo | undefined): boolean {
  return tf?.state === 'ready' && tf.backend === 'tensorflow-gpu' && !/^CPU/i.test(tf.device ?? '');
}

// ---------------------------------------------------------------------------------------------------------
// Work model and ETA: a step costs 6·batch·P flops, a record the loss over train+test and 10 NTK passes (the
// contract's cost model); measured seconds between records fix the scale.

export function workModel(p: TrainDynamicsParams): { stepFlops: number; recordFlops: number } {
  const one = estimateTrainDynamicsCost({ ...p, steps: 1 }, 0).flops; // one step, no record
  const rec = estimateTrainDynamicsCost({ ...p, steps: 0 }, 1).flops; // one record, no step
  return { stepFlops: one, recordFlops: rec };
}

/** Work (flops) done when the record at recordAt[k] is in: the steps up to it and records 0..k. */
export function workAt(p: TrainDynamicsParams, k: number): number {
  const m = workModel(p);
  return p.recordAt[k] * m.stepFlops + (k + 1) * m.recordFlops;
}

export const totalWork = (p: TrainDynamicsParams): number => workAt(p, p.recordAt.length - 1);

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

// ---------------------------------------------------------------------------------------------------------
// The session: runs one after another, with pause, resume and cancel

export type RunStatus = 'queued' | 'running' | 'paused' | 'done' | 'diverged' | 'cancelled' | 'failed';
export type SessionStatus = 'idle' | 'running' | 'paused' | 'cancelled' | 'done' | 'failed';

/** One σ_w²'s run as the UI sees it. Immutable: every change makes a new RunState. */
export class RunState {
  constructor(
    readonly sigmaW2: number,
    readonly params: TrainDynamicsParams,
    readonly status: RunStatus = 'queued',
    readonly records: readonly TrainDynamicsRecord[] = [],
    readonly backend: string | null = null,
    readonly error: string | null = null,
    /** Wall ms (session clock) when the last record arrived. */
    readonly lastRecordMs: number | null = null,
    /** Pauses: [start, end] wall ms (end null while paused), with the record count when each began. */
    readonly pauses: readonly { startMs: number; endMs: number | null; afterRecords: number }[] = [],
  ) {}

  with(
    change: Partial<Pick<RunState, 'status' | 'records' | 'backend' | 'error' | 'lastRecordMs' | 'pauses'>>,
  ): RunState {
    return new RunState(
      this.sigmaW2,
      this.params,
      change.status ?? this.status,
      change.records ?? this.records,
      change.backend !== undefined ? change.backend : this.backend,
      change.error !== undefined ? change.error : this.error,
      change.lastRecordMs !== undefined ? change.lastRecordMs : this.lastRecordMs,
      change.pauses ?? this.pauses,
    );
  }

  /**
   * Seconds paused between records k0 and k1 (pauses that began after record k0 and ended before record k1 arrived).
   */
  pausedSecondsBetween(k0: number, k1: number): number {
    let ms = 0;
    for (const p of this.pauses)
      if (p.afterRecords > k0 && p.afterRecords <= k1 && p.endMs !== null) ms += p.endMs - p.startMs;
    return ms / 1000;
  }

  /** Ms paused since the last record arrived (up to `nowMs` for a pause still on). */
  pausedMsSince(nowMs: number): number {
    let ms = 0;
    for (const p of this.pauses) if (p.afterRecords === this.records.length) ms += (p.endMs ?? nowMs) - p.startMs;
    return ms;
  }

  /** The step of the diverged record, if the run diverged. */
  get divergedAt(): number | null {
    const last = this.records[this.records.length - 1];
    return last?.diverged ? last.step : null;
  }
}

export interface SessionSnapshot {
  status: SessionStatus;
  runs: readonly RunState[];
  /** Index of the run in progress (running or paused), else null. */
  current: number | null;
  /** Why the session failed (also on the failed run). */
  error: string | null;
}

export interface SessionOptions {
  /** Wall clock in ms (tests inject one). */
  now?: () => number;
  /** The lab channel of the session's jobs. */
  channel?: string;
}

export const TRAIN_CHANNEL = 'train-dynamics';

/**
 * Runs the planned σ_w² one after another through lab.job({ kind: 'train-dynamics' }). States: idle → running ⇄
 * paused → done | cancelled | failed. Cancel keeps every record already in; a run that fails (or diverges) does not
 * stop the others; the session ends 'failed' if any run failed. While paused, a run that ends does not start the next.
 */
export class TrainSession {
  #runs: RunState[];
  #status: SessionStatus = 'idle';
  #current: number | null = null;
  #error: string | null = null;
  #handle: PausableJobHandle<JobOutput> | null = null;
  #disposed = false;
  readonly #now: () => number;
  readonly #channel: string;

  constructor(
    private readonly lab: LabClient,
    plan: readonly PlannedRun[],
    private readonly onChange: (s: SessionSnapshot) => void,
    opts: SessionOptions = {},
  ) {
    if (plan.length === 0) throw new RangeError('a training session needs at least one run');
    this.#runs = plan.map((r) => new RunState(r.sigmaW2, r.params));
    this.#now = opts.now ?? (() => Date.now());
    this.#channel = opts.channel ?? TRAIN_CHANNEL;
  }

  get snapshot(): SessionSnapshot {
    return { status: this.#status, runs: this.#runs, current: this.#current, error: this.#error };
  }

  start(): void {
    if (this.#status !== 'idle') return;
    this.#status = 'running';
    this.#next();
  }

  /** Pause the running job at its next step; resolves false (and stays running) if the lab could not. */
  async pause(): Promise<boolean> {
    if (this.#status !== 'running') return false;
    const i = this.#current;
    this.#status = 'paused';
    if (i !== null)
      this.#update(i, (r) =>
        r.with({
          status: 'paused',
          pauses: [...r.pauses, { startMs: this.#now(), endMs: null, afterRecords: r.records.length }],
        }),
      );
    else this.#emit();
    const handle = this.#handle;
    if (!handle) return true;
    let ok = false;
    try {
      ok = await handle.pause(true);
    } catch {
      ok = false;
    }
    if (!ok && this.#status === 'paused' && this.#handle === handle) {
      this.#status = 'running';
      if (i !== null) this.#update(i, (r) => r.with({ status: 'running', pauses: r.pauses.slice(0, -1) }));
    }
    return ok;
  }

  async resume(): Promise<boolean> {
    if (this.#status !== 'paused') return false;
    this.#status = 'running';
    const i = this.#current;
    if (i === null) {
      this.#next(); // paused between runs: start the next one
      return true;
    }
    this.#update(i, (r) =>
      r.with({ status: 'running', pauses: r.pauses.map((p) => (p.endMs === null ? { ...p, endMs: this.#now() } : p)) }),
    );
    const handle = this.#handle;
    if (!handle) return true;
    try {
      return await handle.pause(false);
    } catch {
      return false;
    }
  }

  /** Stop: the current job is cancelled, queued runs never start; every record already in stays. */
  cancel(): void {
    if (this.#status !== 'running' && this.#status !== 'paused') return;
    this.#status = 'cancelled';
    const handle = this.#handle;
    this.#handle = null; // first: its rejection must find itself no longer ours
    const now = this.#now();
    this.#runs = this.#runs.map((r) =>
      r.status === 'running' || r.status === 'paused' || r.status === 'queued'
        ? r.with({ status: 'cancelled', pauses: r.pauses.map((p) => (p.endMs === null ? { ...p, endMs: now } : p)) })
        : r,
    );
    this.#current = null;
    handle?.cancel();
    this.#emit();
  }

  /** Cancel without reporting (the panel is going away). */
  dispose(): void {
    this.#disposed = true;
    const handle = this.#handle;
    this.#handle = null;
    handle?.cancel();
  }

  #emit(): void {
    if (!this.#disposed) this.onChange(this.snapshot);
  }

  #update(i: number, f: (r: RunState) => RunState): void {
    this.#runs = this.#runs.map((r, k) => (k === i ? f(r) : r));
    this.#emit();
  }

  #next(): void {
    const i = this.#runs.findIndex((r) => r.status === 'queued');
    if (i < 0) {
      this.#current = null;
      const failed = this.#runs.find((r) => r.status === 'failed');
      this.#status = failed ? 'failed' : 'done';
      this.#error = failed ? `σ_w² = ${failed.sigmaW2}: ${failed.error}` : null;
      this.#emit();
      return;
    }
    this.#current = i;
    const run = this.#runs[i];
    let handle: PausableJobHandle<JobOutput>;
    try {
      handle = this.lab.job(
        { kind: 'train-dynamics', params: run.params },
        {
          channel: this.#channel,
          onProgress: (o) => {
            if (this.#handle !== handle || o.kind !== 'train-dynamics' || !o.record) return;
            const record = o.record;
            this.#update(i, (r) =>
              r.with({ records: [...r.records, record], backend: o.backend, lastRecordMs: this.#now() }),
            );
          },
        },
      );
    } catch (err) {
      this.#finish(i, 'failed', errorMessage(err));
      return;
    }
    this.#handle = handle;
    this.#update(i, (r) => r.with({ status: 'running' }));
    handle.done.then(
      (o) => {
        if (this.#handle !== handle) return;
        this.#handle = null;
        if (o.kind !== 'train-dynamics')
          return this.#finish(i, 'failed', `the lab answered a training job with ${o.kind} output`);
        this.#finish(i, this.#runs[i].divergedAt !== null ? 'diverged' : 'done', null, o.backend);
      },
      (err: unknown) => {
        if (this.#handle !== handle) return; // cancelled by us, or superseded by a newer session
        this.#handle = null;
        if (errorCode(err) === 'cancelled') {
          // cancelled by someone else (a job on our channel): the session stops like a Cancel
          this.cancel();
          this.#update(i, (r) => r.with({ error: errorMessage(err) }));
          return;
        }
        this.#finish(i, 'failed', errorMessage(err));
      },
    );
  }

  #finish(i: number, status: RunStatus, error: string | null, backend?: string): void {
    const now = this.#now();
    this.#runs = this.#runs.map((r, k) =>
      k === i
        ? r.with({ status, error, backend, pauses: r.pauses.map((p) => (p.endMs === null ? { ...p, endMs: now } : p)) })
        : r,
    );
    this.#current = null;
    if (this.#status === 'paused') {
      this.#emit(); // stays paused: Resume starts the next run
      if (!this.#runs.some((r) => r.status === 'queued')) {
        this.#status = 'running';
        this.#next();
      }
      return;
    }
    this.#next();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Plotted series

export type Quantity = 'trainLoss' | 'testLoss' | 'testAccuracy' | 'trainAccuracy' | 'ratioC' | 'ratioN';

/** The value a record contributes to a curve, or null (missing, non-finite, diverged). Fig. 4 plots Θc/Θd, Θn/Θd. */
export function valueOf(r: TrainDynamicsRecord, q: Quantity): number | null {
  const ok = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  if (r.diverged) return null;
  switch (q) {
    case 'ratioC':
      return ok(r.thetaC) && ok(r.thetaD) && r.thetaD !== 0 ? r.thetaC / r.thetaD : null;
    case 'ratioN':
      return ok(r.thetaN) && ok(r.thetaD) && r.thetaD !== 0 ? r.thetaN / r.thetaD : null;
    default: {
      const v = r[q];
      return ok(v) ? v : null;
    }
  }
}

export interface Point {
  step: number;
  value: number;
}

/** A run's curve: finite points only (and > 0 on a log axis), in step order. */
export function seriesOf(records: readonly TrainDynamicsRecord[], q: Quantity, log = false): Point[] {
  const out: Point[] = [];
  for (const r of records) {
    const v = valueOf(r, q);
    if (v !== null && (!log || v > 0)) out.push({ step: r.step, value: v });
  }
  return out.sort((a, b) => a.step - b.step);
}

/**
 * One colour per σ_w², as FigurePlot: ordered blues (darker = smaller), black at the EOC, chaotic reds (darker =
 * larger).
 */
export function runColours(sigmas: readonly number[]): string[] {
  const ordered = sigmas.filter((s) => phaseOf(s) === 'ordered').sort((a, b) => a - b);
  const chaotic = sigmas.filter((s) => phaseOf(s) === 'chaotic').sort((a, b) => a - b);
  const at = (list: number[], s: number, from: string, to: string) =>
    interpolateHcl(from, to)(list.length === 1 ? 0 : list.indexOf(s) / (list.length - 1));
  return sigmas.map((s) => {
    const phase = phaseOf(s);
    if (phase === 'edge-of-chaos') return '#111111';
    return phase === 'ordered' ? at(ordered, s, '#1f3f99', '#1a9a8a') : at(chaotic, s, '#e58a00', '#b2182b');
  });
}

// ---------------------------------------------------------------------------------------------------------
// Heat-map steps

/**
 * Up to `max` steps among `available` (recorded steps with a kernel): `wanted` each snapped to the nearest available
 * step, or by default first, ≈ 1/3, ≈ 2/3 and last of the steps reached (Fig. 4: t ∈ {0, 100, 500, 3000}).
 */
export function pickKernelSteps(available: readonly number[], wanted?: readonly number[], max = 4): number[] {
  const steps = [...new Set(available)].sort((a, b) => a - b);
  if (steps.length === 0) return [];
  const first = steps[0];
  const last = steps[steps.length - 1];
  const targets =
    wanted && wanted.length > 0 ? wanted : [first, first + (last - first) / 3, first + (2 * (last - first)) / 3, last];
  const nearest = (t: number) => steps.reduce((best, s) => (Math.abs(s - t) < Math.abs(best - t) ? s : best), steps[0]);
  const out: number[] = [];
  for (const t of targets) {
    const s = nearest(t);
    if (!out.includes(s)) out.push(s);
    if (out.length === max) break;
  }
  return out.sort((a, b) => a - b);
}

/** Recorded steps with a kernel, over all runs. */
export function kernelSteps(runs: readonly RunState[]): number[] {
  const s = new Set<number>();
  for (const r of runs)
    for (const rec of r.records)
      if (rec.kernel && rec.kernel.length === NTK_SUBSET_SIZE * NTK_SUBSET_SIZE) s.add(rec.step);
  return [...s].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------
// Exports

const cell = (v: number | string | boolean | null | undefined): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

export const RECORD_COLUMNS = [
  'sigmaW2',
  'step',
  'epoch',
  'trainLoss',
  'testLoss',
  'trainAccuracy',
  'testAccuracy',
  'thetaD',
  'thetaC',
  'thetaN',
  'thetaC_over_thetaD',
  'thetaN_over_thetaD',
  'diverged',
  'seconds',
] as const;

/** One row per (run, recorded step); missing values (a diverged record) as empty cells, never NaN. */
export function recordsCsv(runs: readonly RunState[]): string {
  const lines = [RECORD_COLUMNS.join(',')];
  for (const run of runs) {
    for (const r of run.records) {
      lines.push(
        [
          run.sigmaW2,
          r.step,
          r.epoch,
          r.trainLoss,
          r.testLoss,
          r.trainAccuracy,
          r.testAccuracy,
          r.thetaD,
          r.thetaC,
          r.thetaN,
          valueOf(r, 'ratioC'),
          valueOf(r, 'ratioN'),
          r.diverged,
          r.seconds,
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface KernelCell {
  sigmaW2: number;
  step: number;
  kernel: ArrayLike<number>;
}

/** Long format: one row per kernel entry, i and j in class-sorted order (digit = ⌊i/10⌋). */
export function kernelsCsv(cells: readonly KernelCell[]): string {
  const n = NTK_SUBSET_SIZE;
  const per = n / 10;
  const lines = ['sigmaW2,step,i,j,digitI,digitJ,theta'];
  for (const c of cells) {
    if (c.kernel.length !== n * n)
      throw new RangeError(
        `kernel at σ_w² = ${c.sigmaW2}, step ${c.step} has ${c.kernel.length} entries, expected ${n}×${n}`,
      );
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        lines.push(
          `${c.sigmaW2},${c.step},${i},${j},${Math.floor(i / per)},${Math.floor(j / per)},${cell(c.kernel[i * n + j])}`,
        );
  }
  return `${lines.join('\n')}\n`;
}

/** The kernel of `run` recorded at `step`, if any. */
export function kernelAt(run: RunState, step: number): ArrayLike<number> | null {
  const r = run.records.find((x) => x.step === step);
  return r?.kernel && r.kernel.length === NTK_SUBSET_SIZE * NTK_SUBSET_SIZE ? r.kernel : null;
}

export interface SessionJsonMeta {
  version: string;
  plot: string;
  status: SessionStatus;
  /** Extra facts of the plot (e.g. the heat maps' steps). */
  extra?: Record<string, unknown>;
  exportedAt?: string;
}

/** Parameters and outcome of every run (records without kernels: those are in the CSV). */
export function sessionJson(runs: readonly RunState[], meta: SessionJsonMeta): string {
  const doc = {
    app: 'NTK Phase Lab',
    version: meta.version,
    plot: meta.plot,
    reference:
      'seed 004 §4.2, Fig. 4; Θd, Θc, Θn as eq. (23) for Θ = Σ_k Θ_kk (trace over the 10 outputs) on 100 training digits, 10 per class',
    status: meta.status,
    ...meta.extra,
    runs: runs.map((r) => ({
      sigmaW2: r.sigmaW2,
      status: r.status,
      backend: r.backend,
      error: r.error,
      divergedAt: r.divergedAt,
      params: r.params,
      records: r.records.map(({ kernel: _kernel, ...rest }) => rest),
    })),
    exportedAt: meta.exportedAt ?? new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Exactly a curve plot's data: one row per (run, recorded step), one column per plotted quantity (empty = no point).
 */
export function curvesCsv(runs: readonly RunState[], quantities: readonly Quantity[]): string {
  const lines = [['sigmaW2', 'step', 'epoch', ...quantities.map((q) => QUANTITY_COLUMN[q])].join(',')];
  for (const run of runs)
    for (const r of run.records)
      lines.push([run.sigmaW2, r.step, r.epoch, ...quantities.map((q) => valueOf(r, q))].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}

export const QUANTITY_COLUMN: Record<Quantity, string> = {
  trainLoss: 'trainLoss',
  testLoss: 'testLoss',
  trainAccuracy: 'trainAccuracy',
  testAccuracy: 'testAccuracy',
  ratioC: 'thetaC_over_thetaD',
  ratioN: 'thetaN_over_thetaD',
};
