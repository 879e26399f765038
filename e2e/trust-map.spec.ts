// The "NTK trust map" tab in web mode: real host, real TensorFlow.js workers, Debian's chromium. A tiny grid trains
// (σ_w² ∈ {1, 3}, L = 2, M = 8, 3 GD steps); the measured map fills in with the cells the lab stored, the predicted
// dispersion is beside it, the CSV export holds exactly the tiles, and the cells appear on the Explore plane.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { labPerFile, parseCsv, requireEngine } from './harness';

const session = labPerFile();

async function openTiny(): Promise<Page> {
  const page = await session.open();
  await requireEngine(page);
  await page.getByTestId('measure-slices').uncheck();
  await page.getByTestId('tab-trust').click();
  await expect.poll(() => page.getByTestId('trust-start').isVisible()).toBe(true);
  for (const [id, v] of [
    ['sigma', '1, 3'],
    ['depth', '2'],
    ['width', '8'],
    ['steps', '3'],
    ['lr', '1e-3'],
  ] as const)
    await page.getByTestId(`trust-${id}`).fill(v);
  return page;
}

describe('NTK trust map tab', () => {
  it('trains a tiny grid: measured change and min loss beside the predicted dispersion; CSV; Explore layer', async () => {
    const page = await openTiny();
    // bad input is refused in the form, naming the field, before anything runs
    await page.getByTestId('trust-depth').fill('2, x');
    await page.getByTestId('trust-start').click();
    await expect.poll(() => page.getByTestId('trust-form-error').textContent()).toContain('depths');
    await page.getByTestId('trust-depth').fill('2');

    await page.getByTestId('trust-start').click();
    const status = page.getByTestId('trust-status');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 120_000, interval: 500 }).toBe('complete');
    expect(await status.getAttribute('data-done')).toBe('2');

    const change = page.getByTestId('trust-change');
    const tiles = change.getByTestId('trust-tile');
    expect(await tiles.count()).toBe(2);
    const values = await Promise.all([0, 1].map(async (i) => Number(await tiles.nth(i).getAttribute('data-value'))));
    for (const v of values) expect(v).toBeGreaterThan(0);
    // the predicted dispersion of the same two networks, finite and ≥ 1 (E[Θ²] ≥ E[Θ]²)
    const predicted = page.getByTestId('trust-dispersion').getByTestId('trust-tile');
    expect(await predicted.count()).toBe(2);
    for (let i = 0; i < 2; i++)
      expect(Number(await predicted.nth(i).getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('trust-loss').getByTestId('trust-tile').count()).toBe(2);

    // step 0: the change is exactly 0 (no colour on a log scale: grey, value 0)
    await page.getByTestId('trust-step').selectOption('0');
    await expect.poll(() => tiles.nth(0).getAttribute('data-value')).toBe('0');

    // the CSV export holds exactly the plotted tiles
    await page.getByTestId('trust-step').selectOption('end');
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('trust-change-card').getByTestId('export-trust-change-csv').click(),
    ]);
    expect(dl.suggestedFilename()).toBe('ntk-trust-change-M8.csv');
    const [header, ...rows] = parseCsv(await readFile(await dl.path(), 'utf8'));
    expect(header).toEqual(['sigmaW2', 'depth', 'width', 'depthToWidth', 'relativeChange', 'endedBefore', 'diverged']);
    expect(rows.map((r) => Number(r[4])).sort()).toEqual([...values].sort());

    // the cells on the Explore plane: two diamonds at λ = 2/8
    await page.getByTestId('tab-explore').click();
    await expect.poll(() => page.getByTestId('trust-mark').count()).toBe(2);
    expect(await page.getByTestId('plane-trust-legend').textContent()).toContain('2 of 2');
  });
});
