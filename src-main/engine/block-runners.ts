// What a pool worker runs for each kind of pool work (pool-work.ts): one block runner per work kind. The mapped type
// makes a work kind without a runner a type error; job kinds that run on the pool name their work kind in their
// definition (src-main/jobs, `runsOn`).
import {
  BOOTSTRAP_CHUNK_REPLICATES,
  BOOTSTRAP_MAX_N,
  bootstrapChunkRng,
  dispersionBootstrapChunk,
} from '../../src-shared/stats/summary';
import { runFreezeChaosBlock } from './freeze-chaos-block';
import { Rng } from '../../src-shared/rng';
import { relativeChange } from '../../src-shared/stats/relative-change';
import { runDksChainBlock } from './dks-chain-block';
import { runGdStepBlock } from './gd-step-block';
import type { BlockArrays, BootstrapWork, PairedBootstrapWork, PoolWork } from './pool-work';
import { runBlock } from './sample-block';
import { runSpectrumBlock } from './spectrum-block';
import { rngWords, wasmKernels } from './wasm/kernels';

export type WorkKind = PoolWork['kind'];
export type BlockRunner<K extends WorkKind> = (
  params: Extract<PoolWork, { kind: K }>['params'],
  block: number,
  count: number,
) => BlockArrays;
export type BlockRunners = { [K in WorkKind]: BlockRunner<K> };

/**
 * Bootstrap chunk `chunk` (summary.ts fixes its size; the pool's split must match it), by the WebAssembly kernel when
 * it loads (bit-identical); on an error code the JavaScript reruns the chunk and throws its own message.
 */
function runBootstrapChunk(p: BootstrapWork, chunk: number, count: number): BlockArrays {
  if (count !== BOOTSTRAP_CHUNK_REPLICATES)
    throw new RangeError(`bootstrap chunks hold ${BOOTSTRAP_CHUNK_REPLICATES} replicates (asked for ${count})`);
  const kernels = wasmKernels();
  if (kernels && p.values.length >= 3 && p.values.length <= BOOTSTRAP_MAX_N) {
    const words = rngWords(bootstrapChunkRng(p.seed, chunk));
    const out = words && kernels.bootstrapDispersion(p.values, count, words);
    if (out instanceof Float64Array) return { theta: out };
  }
  return { theta: dispersionBootstrapChunk(p.values, p.seed, chunk) };
}

/** The paired-bootstrap SEs of a GD step's relative change (one block: the whole bootstrap on one stream). */
function runPairedBootstrap(p: PairedBootstrapWork): BlockArrays {
  const c = relativeChange(p.before, p.after, {
    stderr: 'bootstrap',
    replicates: p.replicates,
    rng: new Rng(p.seed, p.stream),
  });
  return { theta: Float64Array.of(c.relativeChange.stderr), thetaAfter: Float64Array.of(c.absRelativeChange.stderr) };
}

export const BLOCK_RUNNERS: BlockRunners = {
  measure: runBlock,
  'gd-step': runGdStepBlock,
  'ntk-gram': runSpectrumBlock,
  'freeze-chaos': runFreezeChaosBlock,
  bootstrap: runBootstrapChunk,
  'paired-bootstrap': runPairedBootstrap,
  'dks-chain': runDksChainBlock,
};

/** Run block `block` (`count` units) of `work` with its kind's runner. */
export function runWork(
  work: PoolWork,
  block: number,
  count: number,
  runners: BlockRunners = BLOCK_RUNNERS,
): BlockArrays {
  const run = runners[work.kind] as BlockRunner<WorkKind>;
  return run(work.params as never, block, count);
}
