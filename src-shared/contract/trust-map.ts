// The NTK trust map (Seleznova 2024 thesis §3.1 = Seleznova & Kutyniok 2022a, §4, Figs. 3, 4, 8–11): one ntk-change
// cell (ntk-change.ts) per (σ_w², L, M) of a grid, stored resumably and sharded like the other sweeps. Also the line
// format of `ntk-lab trust-map --json`: add fields, never rename.
import { z } from 'zod';
import { LIMITS, seedSchema } from '../params';
import { shardItems, type ShardSpec } from '../shard';
import { NTK_CHANGE_LIMITS, NTK_CHANGE_STOPS, ntkChangeTrainingShape } from './ntk-change';

export const TRUST_MAP_LIMITS = {
  axisMax: 64,
  cellsMax: 4096,
} as const;

const axis = <T extends z.ZodType<number>>(what: string, item: T) =>
  z
    .array(item, { error: `${what} must be a list of values` })
    .min(1, `${what} must list at least one value`)
    .max(TRUST_MAP_LIMITS.axisMax, `${what} must list at most ${TRUST_MAP_LIMITS.axisMax} values`)
    .refine((v) => new Set(v).size === v.length, `${what} must not repeat a value`);

const int = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be an integer`)
    .min(min, `${what} must be ≥ ${min}`)
    .max(max, `${what} must be ≤ ${max}`);

const sigmaW2Item = z
  .number({ error: 'sigmaW2 entry must be a number' })
  .refine(Number.isFinite, 'sigmaW2 entry must be finite')
  .refine((v) => v > 0 && v <= LIMITS.sigmaW2Max, `sigmaW2 entries must lie in (0, ${LIMITS.sigmaW2Max}]`);

/**
 * The CPU default, reduced and stated: σ_w² ∈ {1, 1.5, 2, 2.5, 3} (ordered, the ReLU edge of chaos at 2, chaotic)
 * × L ∈ {2, 6, 12} at M = 128 only (15 cells), records after 10, 10², 10³ steps and at most 10³ steps (the paper:
 * widths 128, 256, 512, records up to 10⁴ steps, at most 10⁵). The paper's lr 1e−5 and early-stopping rule are kept.
 * Timed by `npm run bench` (bench/trust-map.ts) with 1 and 2 workers.
 */
export const TRUST_MAP_CPU_GRID = { sigmaW2: [1, 1.5, 2, 2.5, 3], depth: [2, 6, 12], width: [128] } as const;

/**
 * The paper's size, for a GPU backend: σ_w² 0.5…4 in steps of 0.5 × L ∈ {1, 2, 5, 10, 15, 20, 25, 30} × M ∈ {128,
 * 256, 512}, records after 10, 10², 10³, 10⁴ steps, at most 10⁵ steps (the text gives neither the σ_w² nor the L grid
 * of Figs. 3–4 and 8–11: this one spans both phases and the depths the text discusses, "L = 20 ... untrainable").
 */
export const TRUST_MAP_PAPER_SIZE = {
  grid: {
    sigmaW2: [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4],
    depth: [1, 2, 5, 10, 15, 20, 25, 30],
    width: [128, 256, 512],
  },
  steps: [10, 100, 1000, 10000],
  maxSteps: 100_000,
} as const;

export const trustMapGridSchema = z.object({
  sigmaW2: axis('sigmaW2', sigmaW2Item),
  depth: axis('depth', int('depth entry', 1, NTK_CHANGE_LIMITS.depthMax)),
  width: axis('width', int('width entry', 1, NTK_CHANGE_LIMITS.widthMax)),
});
export type TrustMapGrid = z.infer<typeof trustMapGridSchema>;

/** Wire params: the grid (default TRUST_MAP_CPU_GRID) and the cells' training; paperSize sets the paper's sizes. */
export const trustMapJobParamsSchema = z.object({
  grid: trustMapGridSchema.optional(),
  ...ntkChangeTrainingShape,
  steps: ntkChangeTrainingShape.steps.optional(),
  seed: seedSchema.default(0),
  paperSize: z.boolean({ error: 'paperSize must be true or false' }).optional(),
  /**
   * The folder of a stored map to continue (the lab's "Open sweep folder"): absolute, or a name under the lab's
   * sweeps folder ('..' refused, as sweep-open). It must already hold the store of these params: its missing cells
   * (a shard's store: its shard's) are trained into it. Not part of the store's identity.
   */
  resumeDir: z
    .string({ error: 'resumeDir must be a path' })
    .trim()
    .min(1, 'resumeDir must not be empty')
    .max(4096, 'resumeDir is too long')
    .refine((d) => !d.includes('\0'), 'resumeDir must not contain NUL')
    .optional(),
});
export type TrustMapJobParams = z.input<typeof trustMapJobParamsSchema>;

/** Resolved params: what a store's identity hashes. */
export interface TrustMapParams {
  grid: TrustMapGrid;
  sigmaB2: number;
  activation: z.infer<typeof ntkChangeTrainingShape.activation>;
  lr: number;
  steps: number[];
  maxSteps: number;
  earlyStopDelta: number;
  earlyStopWindow: number;
  trainSize: number;
  seed: number;
}

/** Defaults and paper size applied, maxSteps checked; RangeError naming the field. */
export function parseTrustMapParams(raw: unknown): TrustMapParams {
  const p = trustMapJobParamsSchema.parse(raw);
  const paper = p.paperSize === true;
  const grid = p.grid ?? (paper ? TRUST_MAP_PAPER_SIZE.grid : TRUST_MAP_CPU_GRID);
  const steps = p.steps ?? [...(paper ? TRUST_MAP_PAPER_SIZE.steps : [10, 100, 1000])];
  const last = steps[steps.length - 1];
  const maxSteps = p.maxSteps ?? (paper && p.steps === undefined ? TRUST_MAP_PAPER_SIZE.maxSteps : last);
  if (maxSteps < last)
    throw new RangeError(`maxSteps: ${maxSteps} is below the last recorded step ${last} (steps); raise it`);
  const cells = grid.sigmaW2.length * grid.depth.length * grid.width.length;
  if (cells > TRUST_MAP_LIMITS.cellsMax)
    throw new RangeError(`grid: ${cells} cells, more than ${TRUST_MAP_LIMITS.cellsMax}; use coarser axes`);
  return {
    grid: { sigmaW2: [...grid.sigmaW2], depth: [...grid.depth], width: [...grid.width] },
    sigmaB2: p.sigmaB2,
    activation: p.activation,
    lr: p.lr,
    steps,
    maxSteps,
    earlyStopDelta: p.earlyStopDelta,
    earlyStopWindow: p.earlyStopWindow,
    trainSize: p.trainSize,
    seed: p.seed,
  };
}

export interface TrustMapCellRef {
  sigmaW2: number;
  depth: number;
  width: number;
}

export const trustCellKey = (c: TrustMapCellRef): string => `${c.sigmaW2}|${c.depth}|${c.width}`;

/** Every cell in sweep order: widths, then depths, then σ_w², as given. */
export function trustMapCells(p: { grid: TrustMapGrid }): TrustMapCellRef[] {
  const out: TrustMapCellRef[] = [];
  for (const width of p.grid.width)
    for (const depth of p.grid.depth) for (const sigmaW2 of p.grid.sigmaW2) out.push({ sigmaW2, depth, width });
  return out;
}

/** The cells of shard `spec`, balanced by cost (one step ∝ 784·M + (L − 1)·M², the same number of steps at most). */
export function shardTrustMapCells(p: { grid: TrustMapGrid }, spec: ShardSpec): TrustMapCellRef[] {
  return shardItems(trustMapCells(p), (c) => 784 * c.width + (c.depth - 1) * c.width * c.width, spec);
}

const finiteOrNull = z.number().nullable();

export const trustMapPointSchema = z.object({
  step: z.number().int().min(0),
  loss: finiteOrNull,
  relativeChange: finiteOrNull,
});
export type TrustMapPoint = z.infer<typeof trustMapPointSchema>;

/** One stored cell: the recorded steps reached (step 0 first), the end of training and the lowest loss. */
export const trustMapCellSchema = z.object({
  sigmaW2: z.number(),
  depth: z.number().int().min(1),
  width: z.number().int().min(1),
  depthToWidth: z.number(),
  changes: z.array(trustMapPointSchema),
  final: trustMapPointSchema,
  stop: z.enum(NTK_CHANGE_STOPS),
  minLoss: finiteOrNull,
  minLossStep: z.number().int().min(0),
  seconds: z.number().min(0),
});
export type TrustMapCell = z.infer<typeof trustMapCellSchema>;

export const trustMapProgressSchema = z.object({
  cell: trustMapCellSchema,
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  /** Found in the store at start (not trained by this run). */
  stored: z.boolean().optional(),
});
export type TrustMapProgress = z.infer<typeof trustMapProgressSchema>;

export const trustMapSummarySchema = z.object({
  dir: z.string(),
  identity: z.string(),
  total: z.number().int().min(0),
  done: z.number().int().min(0),
  resumed: z.number().int().min(0),
  trained: z.number().int().min(0),
  diverged: z.number().int().min(0),
  status: z.enum(['complete', 'cancelled']),
  seconds: z.number().min(0),
  shard: z.object({ index: z.number().int(), count: z.number().int() }).optional(),
});
export type TrustMapSummary = z.infer<typeof trustMapSummarySchema>;

/**
 * The map at one recorded step: the cell's relative change after `step` updates, or at the end of training when it
 * ended earlier (the kernel no longer moves; `ended` says so); null when the cell diverged before.
 */
export function changeAt(cell: TrustMapCell, step: number): { value: number | null; ended: boolean } {
  const at = cell.changes.find((c) => c.step === step);
  if (at) return { value: at.relativeChange, ended: false };
  if (cell.final.step <= step) return { value: cell.final.relativeChange, ended: true };
  return { value: null, ended: false };
}
