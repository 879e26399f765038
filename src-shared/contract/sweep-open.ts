// The sweep-open contract: read a stored trainability sweep (a merged store or one shard's, see docs/slurm.md) so the
// lab can show its cells as the measured layer. Also `ntk-lab sweep-open --json`: add fields, never rename.
import { z } from 'zod';
import { cellRecordSchema, trainabilityParamsSchema } from './trainability';

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
