// "Open sweep folder" on the Trainability tab in web mode: the host reads a store made by the CLI (a shard merged
// with one part missing, then the whole sweep), its cells become the measured layer, the missing ones are named, and
// a folder that is not a store is reported by name. A learning-rate sweep's and a training-dynamics σ_w² list's
// stores open as tables, each row stored, missing or another shard's.
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

  it('opens a learning-rate sweep and a training-dynamics σ_w² list as tables, missing entries marked', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ntk-folder-kinds-e2e-'));
    const lr = ['lr-sweep', ...['--dataset', 'synthetic', '--width', '8', '--steps', '3', '--batch-size', '16']];
    const lrMore = [
      '--train-size',
      '64',
      '--test-size',
      '32',
      '--depths',
      '2,3',
      '--rhos',
      '0.5,2',
      '--backend',
      'cpu',
    ];
    ntkLab([...lr, ...lrMore, '--shard', '0/2', '--out', join(root, 'lr-0')]);
    ntkLab(['merge', '--out', join(root, 'lr'), join(root, 'lr-0')]);
    const td = ['train-dynamics', '--sigma-w2', '1,2', '--depth', '2', '--width', '8', '--steps', '2'];
    const tdMore = ['--record-at', '0,2', '--train-size', '100', '--test-size', '20', '--batch-size', '50'];
    ntkLab([...td, ...tdMore, '--backend', 'cpu', '--shard', '1/2', '--out', join(root, 'td-1')]);
    ntkLab(['merge', '--out', join(root, 'td'), join(root, 'td-1')]);

    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('tab-trainability').click();
    const open = async (dir: string) => {
      await page.getByTestId('tr-folder-path').fill(dir);
      await page.getByTestId('tr-folder-open').click();
    };
    const states = () =>
      page
        .getByTestId('tr-folder-row')
        .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-key')}:${r.getAttribute('data-state')}`));

    // the merged lr store: shard 0's two points stored, the other two missing
    await open(join(root, 'lr'));
    await expect.poll(() => page.getByTestId('tr-folder-table').getAttribute('data-sweep')).toBe('lr-sweep');
    expect((await states()).filter((s) => s.endsWith(':stored'))).toHaveLength(2);
    expect((await states()).filter((s) => s.endsWith(':missing'))).toHaveLength(2);
    expect(await page.getByTestId('tr-folder-note').textContent()).toMatch(/: 2 of 4 points · 2 missing: L = /);
    // the shard's own store: the other shard's points are not missing from it
    await open(join(root, 'lr-0'));
    await expect
      .poll(() => page.getByTestId('tr-folder-note').textContent())
      .toMatch(/2 of 2 points \(shard 0\/2 of a 4-point sweep\) · none missing/);
    expect((await states()).filter((s) => s.endsWith(':elsewhere'))).toHaveLength(2);

    // the σ_w² list: shard 1 of 2 holds σ_w² = 2; σ_w² = 1 is missing from the merged store
    await open(join(root, 'td'));
    await expect.poll(() => page.getByTestId('tr-folder-table').getAttribute('data-sweep')).toBe('train-dynamics');
    expect(await states()).toEqual(['1:missing', '2:stored']);
    expect(await page.getByTestId('tr-folder-note').textContent()).toMatch(/: 1 of 2 runs · 1 missing: σ_w² = 1$/);
    const row = page.locator('[data-testid="tr-folder-row"][data-key="2"] td');
    expect(await row.nth(1).textContent()).toBe('step 2');

    // a trainability store afterwards replaces the table by the measured layer
    ntkLab([...SWEEP, '--shard', '0/3', '--out', join(root, 'tr')]);
    await open(join(root, 'tr'));
    await expect.poll(() => page.getByTestId('tr-folder-note').textContent()).toMatch(/2 of 2 cells/);
    expect(await page.getByTestId('tr-folder-table').count()).toBe(0);
  }, 180_000);
});
