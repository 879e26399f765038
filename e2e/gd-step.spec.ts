// The "First GD step" tab in web mode: real host, real engine, Debian's chromium. The measured E[Θ] before the step is
// checked against the exact finite-width moment from the theory module run here in Node (not the panel's code).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { reluExactMoments } from '../src-shared/theory/relu-exact-moments';
import { SLICE_LAMBDAS } from '../src-renderer/lib/gd-step-plots';
import { labPerFile, parseCsv, requireEngine } from './harness';

const session = labPerFile();
const WIDTH = 30; // small M: L = round(0.5·30) = 15 at the default cursor, a few ms per network

const attr = async (page: Page, testid: string, name: string) => page.getByTestId(testid).getAttribute(name);
const num = async (page: Page, testid: string, name = 'data-value') => Number(await attr(page, testid, name));

/** A page with M = 30, the Explore tab's measurements off (they share the lab's 8 job slots), on the new tab. */
async function openTab(): Promise<Page> {
  const page = await session.open();
  await requireEngine(page);
  await page.getByTestId('measure-slices').uncheck();
  await page.getByTestId('input-width').fill(String(WIDTH));
  await page.getByTestId('input-width').press('Enter'); // number fields commit on Enter or blur
  await page.getByTestId('tab-gd-step').click();
  await expect.poll(() => page.getByTestId('gd-step-panel').isVisible()).toBe(true);
  return page;
}

describe('first GD step tab', () => {
  it('shows its controls and export buttons, and keeps the last valid η on bad input', async () => {
    const page = await openTab();
    expect(await attr(page, 'tab-gd-step', 'aria-selected')).toBe('true');
    for (const id of [
      'gd-input-lr',
      'gd-input-target',
      'gd-input-scale',
      'gd-input-norm',
      'gd-input-samples',
      'gd-input-seed',
      'gd-method-exact',
      'gd-method-dense',
      'gd-offdiag',
    ]) {
      expect(await page.getByTestId(id).count()).toBe(1);
    }
    // the readout follows the Explore cursor (σ_w² = 2, λ = 0.5 by default)
    expect(await attr(page, 'gd-readout-phase', 'data-value')).toBe('edge-of-chaos');
    expect(await num(page, 'gd-readout-sigmaW2')).toBe(2);

    await page.getByTestId('gd-input-lr').fill('0.002');
    await page.getByTestId('gd-input-lr').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => num(page, 'gd-readout-lr')).toBe(0.002);
    for (const text of ['0', 'NaN', '-1e-3', '']) {
      await page.getByTestId('gd-input-lr').fill(text);
      await page.getByTestId('gd-input-lr').press('Enter'); // number fields commit on Enter or blur
      await expect.poll(() => page.getByTestId('gd-input-lr-error').isVisible()).toBe(true);
      expect(await attr(page, 'gd-input-lr-error', 'role')).toBe('alert');
      expect(await num(page, 'gd-readout-lr')).toBe(0.002); // the last valid value stays
    }
    await page.getByTestId('gd-input-lr').press('Escape');
    expect(await page.getByTestId('gd-input-lr-error').count()).toBe(0);

    const slice = page.getByTestId('gd-step-slice');
    for (const f of ['svg', 'png', 'csv', 'json'])
      expect(await slice.getByTestId(`export-gd-step-slice-${f}`).count()).toBe(1);
    await page.getByTestId('gd-layer-toggle').check();
    const layer = page.getByTestId('gd-step-layer');
    for (const f of ['svg', 'png', 'csv', 'json'])
      expect(await layer.getByTestId(`export-gd-step-layer-${f}`).count()).toBe(1);
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      slice.getByTestId('export-gd-step-slice-csv').click(),
    ]);
    expect(dl.suggestedFilename()).toBe(`ntk-gd-step-slice-M${WIDTH}-a1.csv`);
    const rows = parseCsv(await readFile(await dl.path(), 'utf8'));
    expect(rows[0].slice(0, 3)).toEqual(['series', 'lambdaRequested', 'sigmaW2']);
    // one row per series and distinct depth L = max(1, round(λM)) (M = 30: 1, 2, 3, 6, 11, 15, 23, 30)
    const depths = new Set(SLICE_LAMBDAS.map((l) => Math.max(1, Math.round(l * WIDTH))));
    expect(rows.length - 1).toBe(3 * depths.size);
    expect(rows.slice(1).map((r) => Number(r[4]))).toEqual([...depths, ...depths, ...depths]); // the depth column
  });

  it('measures the change at the cursor with ±SE, for the latest parameters', async () => {
    const page = await openTab();
    await page.getByTestId('gd-slices-toggle').uncheck();
    await page.getByTestId('gd-input-samples').fill('64');
    await page.getByTestId('gd-input-samples').press('Enter'); // number fields commit on Enter or blur
    // two quick changes: the first job is superseded; the result must be the last one's
    await page.getByTestId('gd-input-lr').fill('0.003');
    await page.getByTestId('gd-input-lr').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('gd-input-lr').fill('0.004');
    await page.getByTestId('gd-input-lr').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => attr(page, 'gd-readout', 'data-status'), { timeout: 60_000, interval: 250 }).toBe('done');
    expect(await page.getByTestId('gd-readout-error').count()).toBe(0);
    expect(await num(page, 'gd-readout', 'data-result-lr')).toBe(0.004);
    expect(await num(page, 'gd-readout', 'data-result-depth')).toBe(15);
    const rel = await num(page, 'gd-readout-rel');
    const relSe = await num(page, 'gd-readout-rel', 'data-stderr');
    const abs = await num(page, 'gd-readout-abs');
    const absSe = await num(page, 'gd-readout-abs', 'data-stderr');
    expect(Number.isFinite(rel) && relSe > 0).toBe(true);
    expect(absSe).toBeGreaterThan(0);
    expect(abs).toBeGreaterThanOrEqual(Math.abs(rel) - 1e-12); // E|ΔΘ| ≥ |E ΔΘ| (same networks)
    expect(await page.getByTestId('gd-readout-rel').textContent()).toMatch(/±/);
    const n = await num(page, 'gd-readout-samples');
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(64);

    // E[Θ(x, x)] before the step against the exact finite-width moment (n₀ = 30, 14 hidden layers of 30)
    const exact = reluExactMoments(2, [WIDTH, ...new Array<number>(14).fill(WIDTH)]).meanTheta;
    const mean = await num(page, 'gd-readout-meanTheta');
    const se = await num(page, 'gd-readout-meanTheta', 'data-stderr');
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);

    // Stop: new parameters start nothing until Resume; then the result is for them
    await page.getByTestId('gd-pause').click();
    await page.getByTestId('gd-input-lr').fill('0.005');
    await page.getByTestId('gd-input-lr').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => attr(page, 'gd-readout', 'data-status')).toBe('waiting');
    await page.waitForTimeout(1000);
    expect(await attr(page, 'gd-readout', 'data-status')).toBe('waiting');
    expect(await page.getByTestId('gd-readout-status').textContent()).toMatch(/stopped/);
    await page.getByTestId('gd-pause').click();
    await expect.poll(() => attr(page, 'gd-readout', 'data-status'), { timeout: 60_000, interval: 250 }).toBe('done');
    expect(await num(page, 'gd-readout', 'data-result-lr')).toBe(0.005);

    // App. B.3: at α = 2 the same networks (same seed) change 1/α² as much, to first order in η
    const relAt1 = await num(page, 'gd-readout-rel');
    expect(await num(page, 'gd-readout', 'data-result-scale')).toBe(1);
    await page.getByTestId('gd-input-scale').fill('2');
    await page.getByTestId('gd-input-scale').press('Enter'); // number fields commit on Enter or blur
    const finishedAt2 = async () =>
      (await attr(page, 'gd-readout', 'data-status')) === 'done' &&
      (await num(page, 'gd-readout', 'data-result-scale')) === 2;
    await expect.poll(finishedAt2, { timeout: 60_000, interval: 250 }).toBe(true);
    await expect.poll(() => num(page, 'gd-readout-lazy')).toBeCloseTo(relAt1 / 4, 12);
    const relAt2 = await num(page, 'gd-readout-rel');
    const seAt2 = await num(page, 'gd-readout-rel', 'data-stderr');
    // same networks, so the two estimates are strongly correlated; 3 SE of one is a loose but safe tolerance
    expect(Math.abs(relAt2 - relAt1 / 4)).toBeLessThan(3 * seAt2);
    console.log(
      `gd-step e2e: E[ΔΘ]/E[Θ] at α = 1: ${relAt1}; at α = 2: ${relAt2} ± ${seAt2} (1/α² predicts ${relAt1 / 4})`,
    );
  });

  it('gives a chaotic cell whose Θ′ leaves float64 a value ± SE in log form, not a failure (issue 16)', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    await page.getByTestId('input-width').fill(String(WIDTH));
    await page.getByTestId('input-width').press('Enter');
    // σ_w² = 4, λ = 1.5 (L = 45), M = 30, η = 10⁻³: Θ′ is beyond float64 (`ntk-lab gd-step`: E[ΔΘ]/E[Θ] ≈ 10^835)
    await page.getByTestId('input-sigmaW2').fill('4');
    await page.getByTestId('input-sigmaW2').press('Enter');
    await page.getByTestId('input-lambda').fill('1.5');
    await page.getByTestId('input-lambda').press('Enter');
    await page.getByTestId('tab-gd-step').click();
    await expect.poll(() => page.getByTestId('gd-step-panel').isVisible()).toBe(true);
    await page.getByTestId('gd-slices-toggle').uncheck();
    await page.getByTestId('gd-input-samples').fill('64');
    await page.getByTestId('gd-input-samples').press('Enter');
    await page.getByTestId('gd-input-lr').fill('0.001');
    await page.getByTestId('gd-input-lr').press('Enter');
    const done = async () =>
      (await attr(page, 'gd-readout', 'data-status')) === 'done' &&
      (await num(page, 'gd-readout', 'data-result-lr')) === 0.001 &&
      (await num(page, 'gd-readout', 'data-result-sigma-w2')) === 4 &&
      (await num(page, 'gd-readout', 'data-result-depth')) === 45;
    await expect.poll(done, { timeout: 60_000, interval: 250 }).toBe(true);
    expect(await page.getByTestId('gd-readout-error').count()).toBe(0);
    expect(await num(page, 'gd-readout-samples')).toBe(64); // no network dropped as diverged
    const log10 = await num(page, 'gd-readout-abs', 'data-log10');
    expect(log10).toBeGreaterThan(308); // past float64's largest number …
    expect(Number.isFinite(log10)).toBe(true); // … and still a number
    expect(await page.getByTestId('gd-readout-abs').textContent()).toMatch(/≈ \d\.\d\d × 10\^\d+ \(SE \d+(\.\d+)? %\)/);

    // the same cell with a second input x̃ (Θ(x, x̃) mode, cos 0.5): the pair sampler carries it too
    await page.getByTestId('gd-offdiag').check();
    const pairDone = async () => (await done()) && (await page.getByTestId('gd-readout-offdiag-abs').count()) === 1;
    await expect.poll(pairDone, { timeout: 60_000, interval: 250 }).toBe(true);
    expect(await page.getByTestId('gd-readout-error').count()).toBe(0);
    expect(await num(page, 'gd-readout-samples')).toBe(64);
    for (const id of ['gd-readout-abs', 'gd-readout-offdiag-abs']) {
      const l = await num(page, id, 'data-log10');
      expect(Number.isFinite(l) && l > 308).toBe(true);
      expect(await page.getByTestId(id).textContent()).toMatch(/≈ \d\.\d\d × 10\^\d+ \(SE \d+(\.\d+)? %\)/);
    }
  });

  it('reads E[Θ] before the step in log form where Θ itself is beyond float64', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    // σ_w² = 4 (the plane's top), M = 800, λ = 1.5 (L = 1 200): E[Θ] grows like (σ_w²/2)^L = 2^1200 ≈ 10^361
    for (const [id, v] of [
      ['input-samples', '100'],
      ['input-width', '800'],
      ['input-sigmaW2', '4'],
      ['input-lambda', '1.5'],
    ]) {
      await page.getByTestId(id).fill(v);
      await page.getByTestId(id).press('Enter');
    }
    await page.getByTestId('tab-gd-step').click();
    await page.getByTestId('gd-slices-toggle').uncheck();
    await page.getByTestId('gd-input-samples').fill('24');
    await page.getByTestId('gd-input-samples').press('Enter');
    const done = async () =>
      (await attr(page, 'gd-readout', 'data-status')) === 'done' &&
      (await num(page, 'gd-readout', 'data-result-sigma-w2')) === 4 &&
      (await num(page, 'gd-readout', 'data-result-depth')) === 1200 &&
      (await num(page, 'gd-readout-samples')) === 24;
    await expect.poll(done, { timeout: 60_000, interval: 250 }).toBe(true);
    const text = (await page.getByTestId('gd-readout-meanTheta').textContent()) ?? '';
    const m = /≈ \d\.\d\d × 10\^(\d+) \(SE \d+(\.\d+)? %\)/.exec(text);
    expect(m, text).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(308); // not the saturated float64 maximum, which reads 1.8 × 10^308
  });

  it('shows the lab’s reason inline when it refuses a job (dense at a costly size)', async () => {
    const page = await openTab();
    await page.getByTestId('gd-slices-toggle').uncheck();
    await page.getByTestId('gd-method-dense').check({ force: true }); // the radio is visually hidden in its segmented label
    await page.getByTestId('gd-input-samples').fill('10000000');
    await page.getByTestId('gd-input-samples').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => page.getByTestId('gd-readout-error').isVisible(), { timeout: 30_000 }).toBe(true);
    const text = (await page.getByTestId('gd-readout-error').textContent()) ?? '';
    expect(text).toMatch(/^Not measured: \S/);
    expect(text).not.toMatch(/NaN|undefined/);
    expect(await attr(page, 'gd-readout', 'data-status')).toBe('error');
    expect(await attr(page, 'gd-readout-rel', 'data-value')).toBe(''); // no number is shown for a refused job
  });
});
