// The other storing sweeps on a real Slurm (the one-node cluster of scripts/slurm-cluster.sh, as e2e/slurm.spec.ts):
// a storing paper-figure preset whose sweep is a training-dynamics σ_w² list (`ntk-lab slurm --shards 3 -- presets run
// fig4-train-dynamics-cpu …`), and a learning-rate sweep. Each: the script is generated, sbatch --wait runs the array,
// `ntk-lab merge` merges the shards, and the merged store equals the single-process run record for record.
// Skipped, with the reason printed, only where sbatch is absent and NTK_LAB_REQUIRE_SLURM is unset (.ci/run sets it).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness';

const sbatchMissing =
  (spawnSync('sbatch', ['--version']).error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
const required = process.env.NTK_LAB_REQUIRE_SLURM === '1';
if (sbatchMissing && !required)
  console.log(
    'e2e/slurm-kinds.spec.ts skipped: sbatch is not on PATH (install slurm-client and run scripts/slurm-cluster.sh)',
  );

/** Tiny sizes (CPU backend: the same numbers in every process). */
const TD_TINY = [
  ...['--depth', '2', '--width', '8', '--steps', '3', '--record-at', '0,3', '--train-size', '100'],
  ...['--test-size', '20', '--batch-size', '50', '--backend', 'cpu'],
];
const LR_TINY = [
  ...['--dataset', 'synthetic', '--width', '8', '--steps', '4', '--batch-size', '16', '--train-size', '64'],
  ...['--test-size', '32', '--depths', '2,3', '--rhos', '0.5,2', '--backend', 'cpu'],
];

interface Kind {
  name: string;
  /** The single-process run (the reference) and the command given to `ntk-lab slurm --shards 3 --`. */
  single: string[];
  sharded: string[];
  /** The store's records file, a record's key, and how many records the sweep has. */
  file: string;
  key: (r: Record<string, unknown>) => string;
  total: number;
}

const KINDS: Kind[] = [
  {
    name: 'the Fig. 4 preset (a train-dynamics σ_w² list)',
    single: ['train-dynamics', '--sigma-w2', '1,2,2.2', ...TD_TINY],
    sharded: ['presets', 'run', 'fig4-train-dynamics-cpu', ...TD_TINY],
    file: 'runs.jsonl',
    key: (r) => String(r.sigmaW2),
    total: 3,
  },
  {
    name: 'a learning-rate sweep',
    single: ['lr-sweep', ...LR_TINY],
    sharded: ['lr-sweep', ...LR_TINY],
    file: 'points.jsonl',
    key: (r) => `${String(r.depth)}|${String(r.rho)}`,
    total: 4,
  },
];

function ntkLab(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('node', ['bin/ntk-lab.mjs', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A store's records without their wall times (`seconds` at any level), keyed. */
function recordsOf(dir: string, kind: Kind): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const line of readFileSync(join(dir, kind.file), 'utf8').trim().split('\n')) {
    const r = JSON.parse(line, (k, v: unknown) => (k === 'seconds' ? undefined : v)) as Record<string, unknown>;
    m.set(kind.key(r), r);
  }
  return m;
}

describe.skipIf(sbatchMissing && !required).each(KINDS)('$name on Slurm', (kind) => {
  let root: string;
  let single: Map<string, unknown>;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ntk-slurm-kinds-'));
    const r = ntkLab([...kind.single, '--out', join(root, 'single')]);
    expect(r.code, r.stderr).toBe(0);
    single = recordsOf(join(root, 'single'), kind);
    expect(single.size).toBe(kind.total);
  }, 120_000);

  it('ntk-lab slurm --shards 3, sbatch --wait, merge: the merged store equals the single-process run', () => {
    const out = join(root, 'array');
    const g = ntkLab(['slurm', '--shards', '3', '--time', '00:10:00', '--', ...kind.sharded, '--out', out]);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toContain('#SBATCH --array=0-2');
    const file = join(root, 'array.sh');
    writeFileSync(file, g.stdout);
    execFileSync('sbatch', ['--wait', file], { cwd: root, encoding: 'utf8', timeout: 280_000 });
    const m = ntkLab(['merge', '--json', '--out', out, ...[0, 1, 2].map((i) => `${out}/shard-${i}`)]);
    expect(m.code, m.stderr).toBe(0);
    const summary = JSON.parse(m.stdout.trim()) as Record<string, unknown>;
    expect(summary).toMatchObject({ kind: 'summary', total: kind.total, done: kind.total, missing: 0, duplicates: 0 });
    // every shard held part of the sweep, none all of it
    for (const s of summary.shards as { cells: number }[]) expect(s.cells).toBeLessThan(kind.total);
    expect(recordsOf(out, kind)).toEqual(single);
    // the merged store is a normal store: the sweep on it trains nothing
    const again = ntkLab([...kind.single, '--out', out, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({ kind: 'summary', trained: 0 });
  }, 300_000);
});
