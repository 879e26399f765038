// "Open sweep folder" on the Trainability tab in web mode: the host reads a store made by the CLI (a shard merged
// with one part missing, then the whole sweep), its cells become the measured layer, the missing ones are named, and
// a folder that is not a store is reported by name.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labPerFile, REPO_ROOT, requireEngine } from './harness';

const session = labPerFile();

const SWEEP = [
  'trainability',
  '--dataset',
  'synthetic',
  '--width',
  '8',
  '--steps',
  '3',
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

function ntkLab(args: string[]): void {
  const r = spawnSync('node', ['bin/ntk-lab.mjs', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0 && !(args[0] === 'merge' && r.status === 1)) throw new Error(`ntk-lab ${args[0]}: ${r.stderr}`);
}

describe('open sweep folder', () => {
  it('shows a store’s cells as the measured layer and names the missing ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ntk-folder-e2e-'));
    ntkLab([...SWEEP, '--shard', '0/3', '--out', join(root, 'shard-0')]);
    ntkLab(['merge', '--out', join(root, 'partial'), join(root, 'shard-0')]); // 4 of 6 cells missing
    ntkLab([...SWEEP, '--out', join(root, 'full')]);
    mkdirSync(join(root, 'plain'));

    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    await page.getByTestId('tab-trainability').click();
    const open = async (dir: string) => {
      await page.getByTestId('tr-folder-path').fill(dir);
      await page.getByTestId('tr-folder-open').click();
    };

    await open(join(root, 'partial'));
    await expect
      .poll(() => page.getByTestId('tr-folder-note').textContent())
      .toMatch(/: 2 of 6 cells · 4 missing: σ_w²/);
    expect(await page.getByTestId('tplane-cell').count()).toBe(2);
    expect(await page.getByTestId('tr-progress').getAttribute('data-done')).toBe('2');

    await open(join(root, 'shard-0'));
    await expect
      .poll(() => page.getByTestId('tr-folder-note').textContent())
      .toMatch(/2 of 2 cells \(shard 0\/3 of a 6-cell sweep\) · none missing/);

    await open(join(root, 'full'));
    await expect.poll(() => page.getByTestId('tplane-cell').count()).toBe(6);
    expect(await page.getByTestId('tr-progress').getAttribute('data-status')).toBe('complete');

    await open(join(root, 'plain'));
    await expect
      .poll(() => page.getByTestId('tr-folder-error').textContent())
      .toBe(`${join(root, 'plain')} is not a sweep store (it has no sweep.json)`);
  }, 120_000);
});
