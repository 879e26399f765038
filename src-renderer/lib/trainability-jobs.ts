// The Trainability tab's lab jobs ('trainability' sweeps and 'ntk-spectrum'), parsed defensively on arrival, and the
// sweep session (start / pause / resume / cancel) over lab.job().
import {
  CLASSES,
  SYNTHETIC_INPUT_DIM,
  cellRecordSchema,
  type CellRecord,
  type TrainabilityParams,
  type TrainabilitySummary,
} from '../../src-shared/contract/trainability';
import type { JobOutput, JobSpecInput } from '../../src-shared/contract/messages';
import type { NtkSpectrumParamsInput } from '../../src-shared/contract/ntk-spectrum';
import type { LabClient, PausableJobHandle } from './lab-api';
import { errorCode, errorMessage } from './lab-jobs';
import { gridPoints } from './trainability-view';

// ---------------------------------------------------------------------------------------------------------
// The two lab jobs of this tab (messages.ts: 'trainability', 'ntk-spectrum'), parsed defensively on arrival

export interface TrainabilityJobOutput {
  kind: 'trainability';
  backend: string;
  progress?: { cell: CellRecord; done: number; total: number };
  summary?: Pick<
    TrainabilitySummary,
    'total' | 'done' | 'resumed' | 'trained' | 'diverged' | 'status' | 'dir' | 'seconds'
  >;
}

/** A trainability output from the wire, or null if it is not one (cells validated with the contract's schema). */
export function parseTrainabilityOutput(o: unknown): TrainabilityJobOutput | null {
  if (!o || typeof o !== 'object' || (o as { kind?: unknown }).kind !== 'trainability') return null;
  const r = o as Record<string, unknown>;
  const out: TrainabilityJobOutput = { kind: 'trainability', backend: typeof r.backend === 'string' ? r.backend : '' };
  const p = r.progress as { cell?: unknown; done?: unknown; total?: unknown } | undefined;
  if (p && typeof p === 'object') {
    const cell = cellRecordSchema.safeParse(p.cell);
    if (!cell.success || typeof p.done !== 'number' || typeof p.total !== 'number') return null;
    out.progress = { cell: cell.data, done: p.done, total: p.total };
  }
  const s = r.summary as TrainabilityJobOutput['summary'] | undefined;
  if (s && typeof s === 'object') {
    if (
      typeof s.total !== 'number' ||
      typeof s.done !== 'number' ||
      (s.status !== 'complete' && s.status !== 'cancelled')
    )
      return null;
    out.summary = s;
  }
  return out;
}

export interface Estimate {
  estimate: number;
  stderr: number;
}

export interface MeasuredSpectrumPoint {
  depth: number;
  lambdaMax: Estimate;
  bulk: Estimate;
  kappa: Estimate;
  samples: number;
}

export type NtkSpectrumJobParams = NtkSpectrumParamsInput;

const isEstimate = (e: unknown): e is Estimate =>
  !!e &&
  typeof e === 'object' &&
  typeof (e as Estimate).estimate === 'number' &&
  typeof (e as Estimate).stderr === 'number';

/** Measured points of an 'ntk-spectrum' output (progress: one point; final: all), or null if it is not one. */
export function parseSpectrumOutput(o: unknown): MeasuredSpectrumPoint[] | null {
  if (!o || typeof o !== 'object' || (o as { kind?: unknown }).kind !== 'ntk-spectrum') return null;
  const r = o as { point?: unknown; points?: unknown };
  const raw = Array.isArray(r.points) ? r.points : r.point ? [r.point] : [];
  const out: MeasuredSpectrumPoint[] = [];
  for (const p of raw as MeasuredSpectrumPoint[]) {
    if (!p || typeof p.depth !== 'number' || !isEstimate(p.lambdaMax) || !isEstimate(p.bulk) || !isEstimate(p.kappa))
      return null;
    out.push({
      depth: p.depth,
      lambdaMax: p.lambdaMax,
      bulk: p.bulk,
      kappa: p.kappa,
      samples: typeof p.samples === 'number' ? p.samples : 0,
    });
  }
  return out;
}

/** A job spec of this tab (the service validates the params: a readable error comes back when they are refused). */
export function jobSpec(
  kind: 'trainability' | 'ntk-spectrum',
  params: TrainabilityParams | NtkSpectrumJobParams,
): JobSpecInput {
  return kind === 'trainability'
    ? { kind, params: params as TrainabilityParams }
    : { kind, params: params as NtkSpectrumJobParams };
}

// ---------------------------------------------------------------------------------------------------------
// The sweep session: start, pause (= cancel, cells stay on disk), resume (= start the same params), cancel

export type SweepStatus = 'idle' | 'running' | 'paused' | 'complete' | 'cancelled' | 'error';

export interface SweepView {
  status: SweepStatus;
  params: TrainabilityParams | null;
  /** Finished cells (resumed from the store and new), one per (σ_w², L). */
  cells: CellRecord[];
  done: number;
  total: number;
  backend: string;
  /** Seconds left, from the cells' own training times scaled by their parameter counts; null before any cell. */
  etaSeconds: number | null;
  summary: TrainabilityJobOutput['summary'] | null;
  error: string;
  /** Bumped on every change. */
  version: number;
}

/** Parameters of an L-layer network of the sweep (width M, n₀ inputs, 10 outputs): its cost weight per cell. */
export function cellCost(depth: number, width: number, n0: number): number {
  if (depth <= 1) return CLASSES * (n0 + 1);
  return width * (n0 + 1) + (depth - 2) * width * (width + 1) + CLASSES * (width + 1);
}

/** ETA: Σ_remaining cost × (Σ_done seconds / Σ_done cost). */
export function sweepEta(params: TrainabilityParams, cells: readonly CellRecord[]): number | null {
  const n0 = params.dataset === 'mnist' ? 784 : SYNTHETIC_INPUT_DIM;
  const g = gridPoints(params.grid, params.width);
  let doneCost = 0;
  let doneSeconds = 0;
  const have = new Set<string>();
  for (const c of cells) {
    have.add(cellKey(c.sigmaW2, c.depth));
    doneCost += cellCost(c.depth, params.width, n0);
    doneSeconds += c.seconds;
  }
  if (cells.length === 0 || doneCost === 0) return null;
  let rest = 0;
  for (const s of g.sigmaW2)
    for (const d of g.depths) if (!have.has(cellKey(s, d))) rest += cellCost(d, params.width, n0);
  return (rest * doneSeconds) / doneCost;
}

export const cellKey = (sigmaW2: number, depth: number): string => `${sigmaW2.toPrecision(12)}|${depth}`;

export class SweepSession {
  #lab: LabClient;
  #onChange: (v: SweepView) => void;
  #handle: PausableJobHandle<JobOutput> | null = null;
  #cells = new Map<string, CellRecord>();
  #view: SweepView = {
    status: 'idle',
    params: null,
    cells: [],
    done: 0,
    total: 0,
    backend: '',
    etaSeconds: null,
    summary: null,
    error: '',
    version: 0,
  };
  #disposed = false;

  constructor(lab: LabClient, onChange: (v: SweepView) => void) {
    this.#lab = lab;
    this.#onChange = onChange;
  }

  get view(): SweepView {
    return this.#view;
  }

  #emit(patch: Partial<SweepView>): void {
    if (this.#disposed) return;
    const cells = [...this.#cells.values()];
    const params = patch.params !== undefined ? patch.params : this.#view.params;
    this.#view = {
      ...this.#view,
      ...patch,
      cells,
      etaSeconds: params ? sweepEta(params, cells) : null,
      version: this.#view.version + 1,
    };
    this.#onChange(this.#view);
  }

  /** Start a sweep (params already validated). New params clear the shown cells; the same params keep them. */
  start(params: TrainabilityParams): void {
    this.#stopJob();
    const same = this.#view.params !== null && JSON.stringify(this.#view.params) === JSON.stringify(params);
    if (!same) this.#cells.clear();
    const g = gridPoints(params.grid, params.width);
    const handle = this.#lab.job(jobSpec('trainability', params), { onProgress: (o) => this.#onOutput(handle, o) });
    this.#handle = handle;
    this.#emit({
      status: 'running',
      params,
      error: '',
      summary: null,
      done: this.#cells.size,
      total: g.sigmaW2.length * g.depths.length,
    });
    handle.done.then(
      (o) => {
        if (this.#handle !== handle) return;
        this.#onOutput(handle, o);
        this.#handle = null;
        const s = this.#view.summary;
        this.#emit({ status: s?.status === 'cancelled' ? 'cancelled' : 'complete' });
      },
      (err: unknown) => {
        if (this.#handle !== handle) return; // our own pause/cancel
        this.#handle = null;
        if (errorCode(err) === 'cancelled') return this.#emit({ status: 'cancelled' });
        this.#emit({ status: 'error', error: errorMessage(err) });
      },
    );
  }

  #onOutput(handle: PausableJobHandle<JobOutput>, o: unknown): void {
    if (this.#handle !== handle) return;
    const t = parseTrainabilityOutput(o);
    if (!t) return;
    const patch: Partial<SweepView> = { backend: t.backend || this.#view.backend };
    if (t.progress) {
      this.#cells.set(cellKey(t.progress.cell.sigmaW2, t.progress.cell.depth), t.progress.cell);
      patch.done = t.progress.done;
      patch.total = t.progress.total;
    }
    if (t.summary) {
      patch.summary = t.summary;
      patch.done = t.summary.done;
      patch.total = t.summary.total;
    }
    this.#emit(patch);
  }

  #stopJob(): void {
    const h = this.#handle;
    this.#handle = null;
    h?.cancel();
  }

  /** Pause = cancel the job; finished cells stay (on disk and here). */
  pause(): void {
    if (this.#view.status !== 'running') return;
    this.#stopJob();
    this.#emit({ status: 'paused' });
  }

  /** Resume = start the same params again (the service re-emits the stored cells and skips them). */
  resume(): void {
    const p = this.#view.params;
    if (!p || (this.#view.status !== 'paused' && this.#view.status !== 'cancelled' && this.#view.status !== 'error'))
      return;
    this.start(p);
  }

  cancel(): void {
    if (this.#view.status !== 'running' && this.#view.status !== 'paused') return;
    this.#stopJob();
    this.#emit({ status: 'cancelled' });
  }

  dispose(): void {
    this.#stopJob();
    this.#disposed = true;
  }
}
