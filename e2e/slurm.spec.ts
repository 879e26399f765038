// A sharded sweep on a real Slurm (a one-node cluster: scripts/slurm-cluster.sh, started by .ci/run): `ntk-lab slurm`
// writes the job-array script, sbatch runs it, `ntk-lab merge` merges the shards, and the merged cells equal the
// single-process run cell for cell; `--submit` does the same with the merge as a dependent job. Then one array task
// is cancelled: merge reports its cells missing, and submitting the same script again completes the sweep.
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
    'e2e/slurm.spec.ts skipped: sbatch is not on PATH (install slurm-client and run scripts/slurm-cluster.sh)',
  );

/** A tiny synthetic-data trainability sweep: 6 cells of a few SGD steps (CPU backend: the same numbers anywhere). */
const SWEEP = [
  'trainability',
  '--dataset',
  'synthetic',
  '--width',
  '8',
  '--steps',
  '5',
  '--batch-size',
  '16',
  '--train-size',
  '64',
  '--test-size',
  '32',
  '--sigma-w2',
  '1:2:3',
  '--depth',
  '2,3',
  '--backend',
  'cpu',
];

/** ntk-lab from the repository; resolves with the exit code and output (never throws on a non-zero exit). */
function ntkLab(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('node', ['bin/ntk-lab.mjs', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Slurm clients run in `cwd` (the job logs land there, not in the repository). */
const slurm = (cwd: string, cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout: 280_000 });

/** The cells of a store without their wall time, keyed by cell. */
function cellsOf(dir: string): Map<string, Record<string, unknown>> {
  const m = new Map<string, Record<string, unknown>>();
  for (const line of readFileSync(join(dir, 'cells.jsonl'), 'utf8').trim().split('\n')) {
    const { seconds: _s, ...r } = JSON.parse(line) as Record<string, unknown>;
    m.set(`${String(r.sigmaW2)}|${String(r.depth)}`, r);
  }
  return m;
}

const summary = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe.skipIf(sbatchMissing && !required)('a sharded sweep on Slurm', () => {
  let root: string;
  let single: Map<string, Record<string, unknown>>;

  beforeAll(() => {
    // the single-process run of the same sweep: the reference
    root = mkdtempSync(join(tmpdir(), 'ntk-slurm-e2e-'));
    const r = ntkLab([...SWEEP, '--out', join(root, 'single')]);
    expect(r.code, r.stderr).toBe(0);
    single = cellsOf(join(root, 'single'));
    expect(single.size).toBe(6);
  });

  /** The script of `ntk-lab slurm --shards 3` for the sweep into <root>/<name>, written to a file. */
  function script(name: string): { file: string; out: string } {
    const out = join(root, name);
    const r = ntkLab(['slurm', '--shards', '3', '--time', '00:10:00', '--', ...SWEEP, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('#SBATCH --array=0-2');
    const file = join(root, `${name}.sh`);
    writeFileSync(file, r.stdout);
    return { file, out };
  }

  const merge = (out: string) =>
    ntkLab(['merge', '--json', '--out', out, ...[0, 1, 2].map((i) => `${out}/shard-${i}`)]);

  it('sbatch --wait runs the three shards; the merge equals the single-process run cell for cell', () => {
    const { file, out } = script('array');
    slurm(root, 'sbatch', ['--wait', file]);
    const m = merge(out);
    expect(m.code, m.stderr).toBe(0);
    expect(summary(m.stdout)).toMatchObject({ kind: 'summary', total: 6, done: 6, missing: 0, duplicates: 0 });
    expect(cellsOf(out)).toEqual(single);
  }, 300_000);

  it('--submit: the array, then the merge as an afterok job; the merged store equals the single run', () => {
    const out = join(root, 'submitted');
    const r = spawnSync(
      'node',
      [join(REPO_ROOT, 'bin/ntk-lab.mjs'), 'slurm', '--shards', '3', '--submit', '--', ...SWEEP, '--out', out],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('#SBATCH --array=0-2');
    const mergeId = /submitted merge job (\d+)/.exec(r.stderr)?.[1];
    expect(mergeId, r.stderr).toBeDefined();
    slurm(root, 'sbatch', ['--wait', `--dependency=afterany:${mergeId}`, '--wrap', 'true']);
    expect(cellsOf(out)).toEqual(single);
  }, 300_000);

  it('a cancelled task leaves its cells missing; submitting the same script again completes the sweep', () => {
    const { file, out } = script('cancelled');
    // held at submission, so task 1 is cancelled before it can start
    const id = slurm(root, 'sbatch', ['--parsable', '--hold', file]).trim().split(';')[0];
    slurm(root, 'scancel', [`${id}_1`]);
    slurm(root, 'scontrol', ['release', id]);
    // returns when every task of the array has ended (afterany)
    slurm(root, 'sbatch', ['--wait', `--dependency=afterany:${id}`, '--wrap', 'true']);
    const partial = merge(out);
    expect(partial.code).toBe(1);
    const s = summary(partial.stdout);
    const shard1 = [...single.keys()].filter((k) => ![0, 2].some((i) => cellsOf(`${out}/shard-${i}`).has(k)));
    expect(shard1.length).toBeGreaterThan(0);
    expect(s).toMatchObject({ total: 6, done: 6 - shard1.length, missing: shard1.length, absent: [`${out}/shard-1`] });
    expect(
      (s.missingCells as { sigmaW2: number; depth: number }[]).map((c) => `${c.sigmaW2}|${c.depth}`).sort(),
    ).toEqual(shard1.sort());

    // the same script again: shards 0 and 2 resume with nothing to train, shard 1 runs
    const again = slurm(root, 'sbatch', ['--wait', '--parsable', file]).trim().split(';')[0];
    const log0 = readFileSync(join(root, `slurm-${again}_0.out`), 'utf8');
    expect(log0).toMatch(/2 of 2 cells stored \(2 found at start, 0 trained now/);
    const done = merge(out);
    expect(done.code, done.stderr).toBe(0);
    expect(summary(done.stdout)).toMatchObject({ total: 6, done: 6, missing: 0 });
    expect(cellsOf(out)).toEqual(single);
  }, 300_000);
});
