// The sweep-open contract: read a stored sweep (a merged store or one shard's, see docs/slurm.md) so the lab can show
// it: a trainability sweep's cells as the measured layer, a learning-rate sweep's points or a training-dynamics σ_w²
// list's runs as tables, an NTK trust map's cells in its tab. Also `ntk-lab sweep-open --json`: add fields, never
// rename.
import { z } from 'zod';
import { lrSweepPointSchema } from './lr-sweep';
import { cellRecordSchema, trainabilityParamsSchema } from './trainability';
import { tdRunSchema } from './train-dynamics';
import { trustMapCellSchema } from './trust-map';

/**
 * `dir`: an absolute path, or a store name under the lab's data folder (<dataDir>/sweeps/<name>, where the lab's own
 * sweeps live). A relative path may not climb out of it ('..').
 */
export const sweepOpenParamsSchema = z
  .object({
    dir: z
      .string({ error: 'dir must be a path' })
      .trim()
      .min(1, 'dir must not be empty')
      .max(4096, 'dir is too long')
      .refine((d) => !d.includes('\0'), 'dir must not contain NUL'),
  })
  .strict();
export type SweepOpenParams = z.infer<typeof sweepOpenParamsSchema>;

const cellRefSchema = z.object({ sigmaW2: z.number(), depth: z.number().int() });

export const sweepOpenResultSchema = z.object({
  /** The directory read (absolute). */
  dir: z.string(),
  identity: z.string(),
  params: trainabilityParamsSchema,
  /** Cells of the whole grid. */
  total: z.number().int(),
  cells: z.array(cellRecordSchema),
  /** Present for one shard's store (shard.json): the part of the grid it holds. */
  shard: z.object({ index: z.number().int(), count: z.number().int(), total: z.number().int() }).optional(),
  /** Cells this store should hold (the shard's part, or the whole grid) that it does not. */
  missing: z.array(cellRefSchema),
  /** A torn last line (a crash mid-append) was ignored. */
  torn: z.boolean(),
});
export type SweepOpenResult = z.infer<typeof sweepOpenResultSchema>;

/** What every store kind reports besides its records: where, which sweep, its shard, whether a tail was torn. */
const storeHead = {
  dir: z.string(),
  identity: z.string(),
  /** The resolved params of the sweep (sweep.json). */
  params: z.record(z.string(), z.unknown()),
  /** Records of the whole sweep (points, runs). */
  total: z.number().int(),
  shard: z.object({ index: z.number().int(), count: z.number().int(), total: z.number().int() }).optional(),
  torn: z.boolean(),
};

/** A learning-rate sweep's store (`ntk-lab lr-sweep --out`): its (L, ρ) points and the ones it lacks. */
export const lrStoreResultSchema = z.object({
  ...storeHead,
  points: z.array(lrSweepPointSchema),
  missing: z.array(z.object({ depth: z.number().int(), rho: z.number() })),
});
export type LrStoreResult = z.infer<typeof lrStoreResultSchema>;

/** A training-dynamics σ_w² list's store (`ntk-lab train-dynamics --sigma-w2 a,b,c --out`): its runs, those missing. */
export const tdStoreResultSchema = z.object({
  ...storeHead,
  runs: z.array(tdRunSchema),
  missing: z.array(z.object({ sigmaW2: z.number() })),
});
export type TdStoreResult = z.infer<typeof tdStoreResultSchema>;

/**
 * An NTK trust map's store (`ntk-lab trust-map --out`): its cells and the (σ_w², L, M) it lacks; `params` are the
 * resolved TrustMapParams (parseTrustMapParams accepts them back, with the same identity).
 */
export const trustMapStoreResultSchema = z.object({
  ...storeHead,
  cells: z.array(trustMapCellSchema),
  missing: z.array(z.object({ sigmaW2: z.number(), depth: z.number().int(), width: z.number().int() })),
});
export type TrustMapStoreResult = z.infer<typeof trustMapStoreResultSchema>;
