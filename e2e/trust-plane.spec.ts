// The NTK trust map's stored maps in web mode (real host, real TensorFlow.js workers, Debian's chromium): the CLI
// writes a tiny map (σ_w² ∈ {1, 3}, L = 2, M ∈ {8, 16}, records after 2 and 4 GD steps). "Open sweep folder" on the
// Trainability tab hands a partial one (a merged shard, 2 of 4 cells) to the NTK trust map tab, whose Resume trains
// the missing cells into that folder. The Explore plane's layer shows the cells at a chosen recorded step and width:
// each diamond carries the stored change at that step, the exports carry the choice, and the choice is in the link
// and survives a reload.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TrustMapCell } from '../src-shared/contract/trust-map';
import { changeAt } from '../src-shared/contract/trust-map';
import { downloadText, labPerFile, parseCsv, REPO_ROOT, requireEngine, waitForPlane } from './harness';

const session = labPerFile();

const MAP = [
  'trust-map',
  '--sigma-w2',
  '1,3',
  '--depth',
  '2',
  '--width',
  '8,16',
  '--steps',
  '2,4',
  '--lr',
  '1e-3',
  '--backend',
  'cpu',
];

function ntkLab(args: string[]): void {
  const r = spawnSync('node', ['bin/ntk-lab.mjs', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  // merge exits 1 when cells are missing (that is the point here)
  if (r.status !== 0 && !(args[0] === 'merge' && r.status === 1)) throw new Error(`ntk-lab ${args[0]}: ${r.stderr}`);
}

function storedCells(dir: string): TrustMapCell[] {
  return readFileSync(join(dir, 'cells.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as TrustMapCell);
}

/** The stored relative change of each cell of `width` ('all': every cell) at `step`, ascending. */
function storedValues(cells: TrustMapCell[], step: number | 'end', width: number | 'all'): number[] {
  return cells
    .filter((c) => width === 'all' || c.width === width)
    .map((c) => (step === 'end' ? c.final.relativeChange : changeAt(c, step).value) as number)
    .sort((a, b) => a - b);
}

async function markValues(page: Page): Promise<number[]> {
  const values = await page
    .getByTestId('trust-mark')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
  return values.map(Number).sort((a, b) => a - b);
}

async function optionValues(page: Page, testid: string): Promise<string[]> {
  return page
    .getByTestId(testid)
    .locator('option')
    .evaluateAll((els) => els.map((e) => e.getAttribute('value') ?? ''));
}

/** Opens `dir` in the NTK trust map tab's "Stored map" box and waits until its cells are shown. */
async function openInTrustTab(page: Page, dir: string, cells: number): Promise<void> {
  await page.getByTestId('tab-trust').click();
  await page.getByTestId('trust-folder-path').fill(dir);
  await page.getByTestId('trust-folder-open').click();
  const status = page.getByTestId('trust-status');
  await expect.poll(() => status.getAttribute('data-status')).toBe('opened');
  expect(await status.getAttribute('data-done')).toBe(String(cells));
}

describe('NTK trust map: stored maps and the Explore layer', () => {
  it('Open sweep folder hands a partial map to its tab, which resumes the missing cells into the folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ntk-trust-e2e-'));
    ntkLab([...MAP, '--shard', '0/2', '--out', join(root, 'shard-0')]);
    ntkLab(['merge', '--out', join(root, 'partial'), join(root, 'shard-0')]);
    mkdirSync(join(root, 'plain'));
    const partial = join(root, 'partial');
    const before = storedCells(partial);
    expect(before).toHaveLength(2);

    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    await page.getByTestId('tab-trainability').click();
    await page.getByTestId('tr-folder-path').fill(partial);
    await page.getByTestId('tr-folder-open').click();
    await expect
      .poll(() => page.getByTestId('tr-folder-note').textContent())
      .toMatch(/^NTK trust map, shown in the NTK trust map tab: .*: 2 of 4 cells stored · 2 missing: σ_w² = /);

    await page.getByTestId('tab-trust').click();
    const status = page.getByTestId('trust-status');
    expect(await status.getAttribute('data-status')).toBe('opened');
    expect([await status.getAttribute('data-done'), await status.getAttribute('data-total')]).toEqual(['2', '4']);
    const note = page.getByTestId('trust-folder-note');
    expect([await note.getAttribute('data-stored'), await note.getAttribute('data-missing')]).toEqual(['2', '2']);
    // the store's own training is stated (the form keeps its own values)
    expect(await page.getByTestId('trust-folder-training').textContent()).toContain(
      'records after 2, 4 steps (at most 4) · lr 0.001 · 128 digits · relu, σ_b² = 0 · seed 0',
    );
    // M = 8 is shown (the map has no M = 128): its stored tile holds the stored end-of-training change
    expect(await page.getByTestId('trust-shown-width').inputValue()).toBe('8');
    const tiles = page.getByTestId('trust-change').getByTestId('trust-tile');
    expect(await tiles.count()).toBe(2);
    const shown = await tiles.evaluateAll((els) =>
      els.filter((e) => e.getAttribute('data-stored') === 'true').map((e) => Number(e.getAttribute('data-value'))),
    );
    expect(shown).toEqual(storedValues(before, 'end', 8));

    // Resume trains the two missing cells into the folder, then shows it again: none missing
    await page.getByTestId('trust-resume').click();
    await expect.poll(() => note.getAttribute('data-missing'), { timeout: 120_000, interval: 500 }).toBe('0');
    expect(await status.getAttribute('data-status')).toBe('opened');
    expect(await status.getAttribute('data-done')).toBe('4');
    const after = storedCells(partial);
    expect(after).toHaveLength(4);
    expect(after.slice(0, 2)).toEqual(before); // appended, the stored cells untouched
    expect(await page.getByTestId('trust-resume').isDisabled()).toBe(true);

    // all four on the Explore plane
    await page.getByTestId('tab-explore').click();
    await expect.poll(() => page.getByTestId('trust-mark').count()).toBe(4);
    expect(await markValues(page)).toEqual(storedValues(after, 'end', 'all'));

    // a folder that is no store is named
    await page.getByTestId('tab-trust').click();
    await page.getByTestId('trust-folder-path').fill(join(root, 'plain'));
    await page.getByTestId('trust-folder-open').click();
    await expect
      .poll(() => page.getByTestId('trust-folder-error').textContent())
      .toBe(`${join(root, 'plain')} is not a sweep store (it has no sweep.json)`);
  }, 240_000);

  it('the plane layer shows the chosen recorded step and width; exports and the link carry them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ntk-trust-e2e-'));
    const full = join(root, 'full');
    ntkLab([...MAP, '--out', full]);
    const cells = storedCells(full);

    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    await openInTrustTab(page, full, 4);
    await page.getByTestId('tab-explore').click();
    await expect.poll(() => page.getByTestId('trust-mark').count()).toBe(4);
    expect(await optionValues(page, 'plane-trust-step')).toEqual(['2', '4', 'end']);
    expect(await optionValues(page, 'plane-trust-width')).toEqual(['all', '8', '16']);
    const legend = page.getByTestId('plane-trust-legend');
    expect(await legend.getAttribute('data-step')).toBe('end');
    const atEnd = await markValues(page);
    expect(atEnd).toEqual(storedValues(cells, 'end', 'all'));

    // step 2: every diamond takes its cell's stored change after 2 steps, which differs from the end's
    await page.getByTestId('plane-trust-step').selectOption('2');
    await expect.poll(() => legend.getAttribute('data-step')).toBe('2');
    const at2 = await markValues(page);
    expect(at2).toEqual(storedValues(cells, 2, 'all'));
    expect(at2).not.toEqual(atEnd);
    expect(await legend.textContent()).toContain('after 2 GD steps');

    // one width: only its cells
    await page.getByTestId('plane-trust-width').selectOption('16');
    await expect.poll(() => page.getByTestId('trust-mark').count()).toBe(2);
    expect(await markValues(page)).toEqual(storedValues(cells, 2, 16));

    // the exports carry the choice and exactly the diamonds
    const csv = await downloadText(page, 'export-trust-plane-csv');
    expect(csv.name).toBe('ntk-trust-plane-step2-M16.csv');
    const [header, ...rows] = parseCsv(csv.body);
    expect(header).toEqual([
      'sigmaW2',
      'depth',
      'width',
      'depthToWidth',
      'step',
      'atStep',
      'relativeChange',
      'endedBefore',
      'diverged',
    ]);
    expect(rows.map((r) => [r[2], r[4], r[5]])).toEqual([
      ['16', '2', '2'],
      ['16', '2', '2'],
    ]);
    expect(rows.map((r) => Number(r[6])).sort((a, b) => a - b)).toEqual(storedValues(cells, 2, 16));
    const json = await downloadText(page, 'export-trust-plane-json');
    expect(json.name).toBe('ntk-trust-plane-step2-M16.json');
    const doc = JSON.parse(json.body) as { step: unknown; width: unknown; store: unknown; cells: unknown[] };
    expect([doc.step, doc.width, doc.store, doc.cells.length]).toEqual([2, 16, full, 2]);
    // the plane's own JSON names the layer it shows
    const plane = JSON.parse((await downloadText(page, 'export-plane-json')).body) as {
      display: { trustMapLayer: unknown };
    };
    expect(plane.display.trustMapLayer).toEqual({ step: 2, width: 16, cells: 2 });

    // the choice is in the link and survives a reload (the map itself is reopened from its folder)
    await expect.poll(() => page.url()).toMatch(/tmPlaneStep=2(&|$)/);
    expect(page.url()).toMatch(/tmPlaneWidth=16(&|$)/);
    await page.reload();
    await waitForPlane(page);
    expect(page.url()).toMatch(/tmPlaneStep=2(&|$)/);
    await openInTrustTab(page, full, 4);
    await page.getByTestId('tab-explore').click();
    await expect.poll(() => page.getByTestId('trust-mark').count()).toBe(2);
    expect(await page.getByTestId('plane-trust-step').inputValue()).toBe('2');
    expect(await page.getByTestId('plane-trust-width').inputValue()).toBe('16');
    expect(await markValues(page)).toEqual(storedValues(cells, 2, 16));
  }, 180_000);
});
