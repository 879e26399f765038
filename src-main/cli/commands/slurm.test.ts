// ntk-lab slurm: the job-array script, its bad input, and --submit without sbatch (the real Slurm: e2e/slurm.spec.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkKind } from '../../jobs';
import { runCli } from '../run-cli.test-util';

const SWEEP = ['trainability', '--dataset', 'synthetic', '--width', '8', '--steps', '4', '--depth', '2,3'];

describe('ntk-lab slurm', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('prints an array script: the options, and each task running its shard into <out>/shard-i from the project root', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ntk-slurm-')), 'fig 3');
    const r = await runCli([
      'slurm',
      '--shards',
      '4',
      '--partition',
      'gpu',
      '--time',
      '04:00:00',
      '--cpus-per-task',
      '2',
      '--gpus-per-task',
      '1',
      '--mem',
      '8G',
      '--',
      ...SWEEP,
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    const sbatch = lines.filter((l) => l.startsWith('#SBATCH'));
    expect(sbatch).toEqual([
      '#SBATCH --job-name=ntk-lab-trainability',
      '#SBATCH --array=0-3',
      '#SBATCH --partition=gpu',
      '#SBATCH --time=04:00:00',
      '#SBATCH --mem=8G',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --gpus-per-task=1',
    ]);
    // #SBATCH lines must precede the first command
    expect(lines.findIndex((l) => !l.startsWith('#'))).toBeGreaterThan(lines.indexOf(sbatch.at(-1)!));
    const root = join(import.meta.dirname, '../../..');
    expect(lines).toContain(`cd ${root}`);
    expect(r.stdout).toContain(
      `node bin/ntk-lab.mjs trainability --dataset synthetic --width 8 --steps 4 --depth 2,3 ` +
        `--shard "\${SLURM_ARRAY_TASK_ID}/4" --out '${out}'/shard-"\${SLURM_ARRAY_TASK_ID}"`,
    );
    expect(r.stdout).toContain(`merge --out '${out}' '${out}/shard-0' '${out}/shard-1'`);
  });

  it('lr-sweep: each task runs its shard of the (L, ρ) points into <out>/shard-i; the merge takes them all', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ntk-slurm-')), 'lr');
    const r = await runCli(['slurm', '--shards', '3', '--', 'lr-sweep', '--rhos', '0.5,2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('#SBATCH --array=0-2');
    expect(r.stdout).toContain(
      `node bin/ntk-lab.mjs lr-sweep --rhos 0.5,2 --shard "\${SLURM_ARRAY_TASK_ID}/3" --out ${out}/shard-"\${SLURM_ARRAY_TASK_ID}"`,
    );
    expect(r.stdout).toContain(`merge --out ${out} ${out}/shard-0 ${out}/shard-1 ${out}/shard-2`);
  });

  it('train-dynamics σ_w² list and a storing preset: each task runs its shard; the preset is named in the job', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ntk-slurm-')), 'td');
    const td = await runCli(['slurm', '--shards', '2', '--', 'train-dynamics', '--sigma-w2', '1,2', '--out', out]);
    expect(td.code, td.stderr).toBe(0);
    expect(td.stdout).toContain(
      `node bin/ntk-lab.mjs train-dynamics --sigma-w2 1,2 --shard "\${SLURM_ARRAY_TASK_ID}/2" --out ${out}/shard-"\${SLURM_ARRAY_TASK_ID}"`,
    );
    const p = await runCli(['slurm', '--shards', '3', '--', 'presets', 'run', 'fig4-train-dynamics', '--out', out]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('#SBATCH --job-name=ntk-lab-fig4-train-dynamics');
    expect(p.stdout).toContain(
      `node bin/ntk-lab.mjs presets run fig4-train-dynamics --shard "\${SLURM_ARRAY_TASK_ID}/3" --out ${out}/shard-"\${SLURM_ARRAY_TASK_ID}"`,
    );
  });

  it('trust-map: each task runs its shard of the (σ_w², L, M) cells into <out>/shard-i', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ntk-slurm-')), 'trust');
    const r = await runCli([
      'slurm',
      '--shards',
      '2',
      '--',
      'trust-map',
      '--sigma-w2',
      '1,2',
      '--depth',
      '2',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('#SBATCH --job-name=ntk-lab-trust-map');
    expect(r.stdout).toContain(
      `node bin/ntk-lab.mjs trust-map --sigma-w2 1,2 --depth 2 --shard "\${SLURM_ARRAY_TASK_ID}/2" --out ${out}/shard-"\${SLURM_ARRAY_TASK_ID}"`,
    );
    expect(r.stdout).toContain(`merge --out ${out} ${out}/shard-0 ${out}/shard-1`);
  });

  it('a train-dynamics list too big for one process runs in enough shards (the limit is per shard)', async () => {
    // one run ≈ 4e15 flop, under the 1e16 limit; four runs are over it, two per shard are not
    const big = [
      '--depth',
      '20',
      '--width',
      '1024',
      '--steps',
      '30000',
      '--batch-size',
      '1000',
      '--train-size',
      '2000',
    ];
    const args = ['--', 'train-dynamics', ...big, '--record-at', '0', '--sigma-w2', '1,2,3,4', '--out', 'x'];
    const one = await runCli(['slurm', '--shards', '1', ...args]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/estimated work/);
    const two = await runCli(['slurm', '--shards', '2', ...args]);
    expect(two.code, two.stderr).toBe(0);
  });

  it.each([
    [['--shards', '2', '--', 'presets', 'list'], /after -- presets, give run <id>/],
    [['--shards', '2', '--', 'presets', 'run', 'fig1', '--out', 'x'], /fig1 is a measurement preset/],
    [['--shards', '2', '--', 'presets', 'run', 'fig4-train-dynamics'], /--out/],
    [['--shards', '2', '--', 'train-dynamics', '--sigma-w2', '1,2', '--out', 'x', '--shard', '0/2'], /--shard/],
    [['--shards', '2', '--', 'train-dynamics', '--sigma-w2', '1,1', '--out', 'x'], /--sigma-w2/],
    [['--shards', '2', '--', 'lr-sweep', '--rhos', '1'], /--out/],
    [['--shards', '2', '--', 'lr-sweep', '--rhos', '1,1', '--out', 'x'], /rhos must not repeat/],
    [['--shards', '2', '--', 'lr-sweep', '--out', 'x', '--shard', '0/2'], /--shard/],
    [['--', ...SWEEP, '--out', 'x'], /--shards is required/],
    [['--shards', '0', '--', ...SWEEP, '--out', 'x'], /--shards/],
    [['--shards', '2', '--time', '1 day', '--', ...SWEEP, '--out', 'x'], /--time/],
    [['--shards', '2', '--cpus-per-task', '0', '--', ...SWEEP, '--out', 'x'], /--cpus-per-task/],
    [['--shards', '2', ...SWEEP, '--out', 'x'], /after --/],
    [['--shards', '2', '--', 'measure', '--out', 'x'], /must be one of trainability/],
    [['--shards', '2', '--', ...SWEEP], /--out is required/],
    [['--shards', '2', '--', ...SWEEP, '--out', 'x', '--shard', '0/2'], /--shard/],
    [['--shards', '2', '--', ...SWEEP, '--out', 'x', '--steps', '3'], /--steps/],
    [['--shards', '2', '--', ...SWEEP, '--out', 'x', '--rho', '-1'], /rho/],
  ])('%j → exit 2', async (args, message) => {
    const r = await runCli(['slurm', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('the cost limit is per process: a paper-size sweep too big for one runs in enough shards', async () => {
    expect(() => checkKind('trainability', { paperSize: true })).toThrow(/the sweep would take/);
    expect(checkKind('trainability', { paperSize: true }, { shard: { index: 0, count: 40 } }).params).toMatchObject({
      width: 1024,
    });
    const few = await runCli(['slurm', '--shards', '10', '--', 'trainability', '--paper-size', '--out', 'x']);
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/the shard \d+\/10 would take .* split it into more shards/);
    const enough = await runCli(['slurm', '--shards', '40', '--', 'trainability', '--paper-size', '--out', 'x']);
    expect(enough.code, enough.stderr).toBe(0);
  });

  it('--submit without sbatch: a clear error, exit 1, and the script printed anyway', async () => {
    process.env.PATH = mkdtempSync(join(tmpdir(), 'ntk-no-sbatch-'));
    const out = join(mkdtempSync(join(tmpdir(), 'ntk-slurm-')), 'sweep');
    const r = await runCli(['slurm', '--shards', '2', '--submit', '--', ...SWEEP, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sbatch was not found on PATH/);
    expect(r.stdout).toMatch(/^#!\/bin\/bash\n/);
    expect(r.stdout).toContain('#SBATCH --array=0-1');
  });
});
