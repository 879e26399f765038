// The "Training dynamics" tab in web mode: real host, real TensorFlow.js worker, Debian's chromium. A tiny net trains
// on MNIST; the curves, heat maps, pause/resume and cancel are checked, and Θd, Θc, Θn of the records against eq. (23)
// recomputed here (src-shared/theory/ntk-structure.ts, not the panel's code) from the exported kernels.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ntkStructure } from '../src-shared/theory/ntk-structure';
import { labPerFile, parseCsv, requireEngine, type PageCanvas, type PageGlobals } from './harness';

const session = labPerFile();

const attr = (page: Page, testid: string, name: string) => page.getByTestId(testid).getAttribute(name);
const run = (page: Page) => page.getByTestId('train-run').first();
const runAttr = async (page: Page, name: string) => (await run(page).getAttribute(name)) ?? '';

/**
 * The tab open, the Explore tab's measurements off (they share the lab), a tiny net set: L = 3, M = 16, 200/100 digits.
 */
async function openTiny(record: string, steps: number): Promise<Page> {
  const page = await session.open();
  await requireEngine(page);
  await page.getByTestId('measure-slices').uncheck();
  await page.getByTestId('tab-train').click();
  await expect.poll(() => page.getByTestId('train-panel').isVisible()).toBe(true);
  await page.getByTestId('train-input-sigmas').fill('2');
  for (const [id, v] of [
    ['depth', '3'],
    ['width', '16'],
    ['steps', String(steps)],
    ['train', '200'],
    ['test', '100'],
    ['batch', '50'],
  ] as const) {
    await page.getByTestId(`train-input-${id}`).fill(v);
    await page.getByTestId(`train-input-${id}`).press('Enter'); // number fields commit on Enter or blur
  }
  await page.getByTestId('train-input-record').fill(record);
  return page;
}

/** What the ExportBar inside the card `card` saves as `format`. */
async function exported(
  page: Page,
  card: string,
  format: 'svg' | 'png' | 'csv' | 'json',
): Promise<{ name: string; body: string }> {
  const plot = card === 'train-heatmaps' ? 'train-kernels' : 'train-curves';
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(card).getByTestId(`export-${plot}-${format}`).click(),
  ]);
  return { name: dl.suggestedFilename(), body: await readFile(await dl.path(), 'utf8') };
}

/** Distinct colours in the heat-map canvas (a blank or flat canvas has one or two). */
async function canvasColours(page: Page): Promise<number> {
  return page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    const c = g.document.querySelector('[data-testid="train-kernel-canvas"]') as PageCanvas | null;
    const d = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    if (!d) return 0;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  });
}

describe('training dynamics tab', () => {
  it('trains a tiny net: curves and heat maps fill in, Θd/Θc/Θn match eq. (23) on the exported kernels', async () => {
    const page = await openTiny('0,3,6', 6);
    expect(await attr(page, 'tab-train', 'aria-selected')).toBe('true');

    // a bad value shows an inline error and keeps the last valid one
    await page.getByTestId('train-input-width').fill('0');
    await page.getByTestId('train-input-width').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => page.getByTestId('train-input-width-error').isVisible()).toBe(true);
    expect(await attr(page, 'train-input-width-error', 'role')).toBe('alert');
    await page.getByTestId('train-input-sigmas').fill('2, abc');
    await expect.poll(() => page.getByTestId('train-input-sigmas-error').isVisible()).toBe(true);
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    await page.getByTestId('train-input-sigmas').fill('2');
    await page.getByTestId('train-input-width').fill('16');
    await page.getByTestId('train-input-width').press('Enter'); // number fields commit on Enter or blur
    expect(await page.getByTestId('train-input-width-error').count()).toBe(0);
    // cross-field problems come from the contract, inline
    await page.getByTestId('train-input-batch').fill('500');
    await page.getByTestId('train-input-batch').press('Enter'); // number fields commit on Enter or blur
    await expect
      .poll(() => page.getByTestId('train-plan-error').textContent())
      .toMatch(/batchSize \(500\) must be ≤ trainSize \(200\)/);
    await page.getByTestId('train-input-batch').fill('50');
    await page.getByTestId('train-input-batch').press('Enter'); // number fields commit on Enter or blur

    expect(Number(await attr(page, 'train-cost', 'data-flops'))).toBeGreaterThan(0);
    expect(await page.getByTestId('train-backend').textContent()).toMatch(/TensorFlow\.js backend: \S/);

    await page.getByTestId('train-start').click();
    await expect.poll(() => runAttr(page, 'data-status'), { timeout: 60_000, interval: 250 }).toBe('done');
    expect(await runAttr(page, 'data-records')).toBe('3');
    await expect.poll(() => attr(page, 'train-progress', 'data-status')).toBe('done');
    expect(await attr(page, 'train-backend', 'data-backend')).toMatch(/^(tensorflow-gpu|webgpu|tensorflow|wasm|cpu)$/);

    // curves: 3 records → 3 test + 3 train loss points, 3 points of each ratio
    expect(Number(await attr(page, 'train-plot-loss', 'data-points'))).toBe(6);
    expect(Number(await attr(page, 'train-plot-accuracy', 'data-points'))).toBe(6);
    expect(Number(await attr(page, 'train-plot-ratio-c', 'data-points'))).toBe(3);
    expect(Number(await attr(page, 'train-plot-ratio-n', 'data-points'))).toBe(3);
    // heat maps at the three recorded steps, drawn
    expect(await attr(page, 'train-heatmaps', 'data-steps')).toBe('0,3,6');
    expect(await attr(page, 'train-heatmaps', 'data-kernels')).toBe('3');
    expect(await canvasColours(page)).toBeGreaterThan(50);

    // Θd, Θc, Θn of every record = eq. (23) on its exported class-sorted kernel (labels: blocks of 10, digit 0 first)
    const kernelCsv = await exported(page, 'train-heatmaps', 'csv');
    expect(kernelCsv.name).toBe('ntk-train-ntk-heatmaps-L3-M16-steps6-seed0.csv');
    const rows = parseCsv(kernelCsv.body);
    expect(rows[0]).toEqual(['sigmaW2', 'step', 'i', 'j', 'digitI', 'digitJ', 'theta']);
    expect(rows.length - 1).toBe(3 * 100 * 100);
    const doc = JSON.parse((await exported(page, 'train-heatmaps', 'json')).body);
    const records = doc.runs[0].records as { step: number; thetaD: number; thetaC: number; thetaN: number }[];
    expect(doc.runs[0].params).toMatchObject({
      sigmaW2: 2,
      depth: 3,
      width: 16,
      steps: 6,
      recordAt: [0, 3, 6],
      trainSize: 200,
      testSize: 100,
      batchSize: 50,
    });
    const labels = Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
    for (const r of records) {
      const k = rows
        .slice(1)
        .filter((x) => Number(x[1]) === r.step)
        .map((x) => Number(x[6]));
      expect(k).toHaveLength(10_000);
      const s = ntkStructure(k, labels);
      // the record's values were computed from the same float32 kernel: agreement to float64 rounding
      expect(s.thetaD).toBeCloseTo(r.thetaD, 9);
      expect(Math.abs(s.thetaC - r.thetaC)).toBeLessThan(1e-9 * Math.abs(r.thetaD));
      expect(Math.abs(s.thetaN - r.thetaN)).toBeLessThan(1e-9 * Math.abs(r.thetaD));
      expect(Math.abs(s.thetaC)).toBeLessThanOrEqual(s.thetaD); // PSD kernel, equal classes
    }
    // the ratio curve's CSV is exactly Θc/Θd of those records
    const ratio = parseCsv((await exported(page, 'train-plot-ratio-c', 'csv')).body);
    expect(ratio[0]).toEqual(['sigmaW2', 'step', 'epoch', 'thetaC_over_thetaD']);
    expect(ratio.slice(1).map((x) => Number(x[3]))).toEqual(records.map((r) => r.thetaC / r.thetaD));
    console.log(
      `train-dynamics e2e: Θc/Θd ${records.map((r) => (r.thetaC / r.thetaD).toFixed(4)).join(' → ')}, Θn/Θd ${records.map((r) => (r.thetaN / r.thetaD).toFixed(4)).join(' → ')}`,
    );
  });

  it('pauses, resumes and cancels a longer run; the records stay and a new run starts at once', async () => {
    const page = await openTiny(Array.from({ length: 41 }, (_, k) => 100 * k).join(','), 4000);
    await page.getByTestId('train-start').click();
    const records = async () => Number(await runAttr(page, 'data-records'));
    await expect.poll(records, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(2);

    await page.getByTestId('train-pause').click();
    await expect.poll(() => attr(page, 'train-pause', 'data-state')).toBe('paused');
    expect(await page.getByTestId('train-pause').textContent()).toBe('Resume');
    expect(await runAttr(page, 'data-status')).toBe('paused');
    await page.waitForTimeout(600); // a record already being computed may still land
    const held = await records();
    await page.waitForTimeout(3000);
    expect(await records()).toBe(held); // nothing trains while paused

    await page.getByTestId('train-pause').click();
    await expect.poll(() => attr(page, 'train-pause', 'data-state')).toBe('running');
    expect(await page.getByTestId('train-pause').textContent()).toBe('Pause');
    await expect.poll(records, { timeout: 30_000, interval: 200 }).toBeGreaterThan(held);

    await page.getByTestId('train-cancel').click();
    await expect.poll(() => attr(page, 'train-progress', 'data-status')).toBe('cancelled');
    const kept = await records();
    expect(kept).toBeGreaterThan(held);
    expect(await runAttr(page, 'data-status')).toBe('cancelled');
    expect(Number(await attr(page, 'train-plot-ratio-c', 'data-points'))).toBe(kept); // the curves keep them
    await page.waitForTimeout(500);
    expect(await records()).toBe(kept);

    // the worker is free again: a tiny run finishes promptly
    await page.getByTestId('train-input-steps').fill('6');
    await page.getByTestId('train-input-steps').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('train-input-record').fill('0,6');
    await page.getByTestId('train-start').click();
    await expect.poll(() => runAttr(page, 'data-status'), { timeout: 30_000, interval: 250 }).toBe('done');
    expect(await records()).toBe(2);
  });

  it('marks a diverged run (σ_w² = 4, SGD at lr 10) and never draws NaN', async () => {
    const page = await openTiny('', 50);
    await page.getByTestId('train-input-sigmas').fill('4');
    await page.getByTestId('train-input-depth').fill('6');
    await page.getByTestId('train-input-depth').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('train-input-width').fill('32');
    await page.getByTestId('train-input-width').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('train-input-lr').fill('10');
    await page.getByTestId('train-input-lr').press('Enter'); // number fields commit on Enter or blur
    // the radio is visually hidden in its segmented label
    await page.getByTestId('train-opt-sgd').check({ force: true });
    await page.getByTestId('train-start').click();
    await expect.poll(() => runAttr(page, 'data-status'), { timeout: 60_000, interval: 250 }).toBe('diverged');
    const text = (await page.getByTestId('train-run-diverged').textContent()) ?? '';
    const at = Number(/diverged at step (\d+)/.exec(text)?.[1]);
    expect(at).toBeGreaterThan(0);
    const drawn = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const cards = ['train-plot-loss', 'train-plot-accuracy', 'train-plot-ratio-c', 'train-plot-ratio-n'];
      const attrs: string[] = [];
      for (const el of Array.from(
        g.document.querySelectorAll(
          '[data-testid^="train-plot-"] path, [data-testid^="train-plot-"] circle, [data-testid^="train-plot-"] line',
        ),
      ))
        for (const a of ['d', 'cx', 'cy', 'x1', 'y1']) attrs.push(el.getAttribute(a) ?? '');
      return {
        attrs,
        markers: cards.map((c) => g.document.querySelectorAll(`[data-testid="${c}"] line.diverged`).length),
      };
    });
    expect(drawn.attrs.filter((a) => /NaN|Infinity/.test(a))).toEqual([]);
    expect(drawn.markers).toEqual([1, 1, 1, 1]);
    // the diverged record gives no point: the ratio curve has the records before it
    const n = Number(await runAttr(page, 'data-records'));
    expect(Number(await attr(page, 'train-plot-ratio-c', 'data-points'))).toBe(n - 1);
    expect(await attr(page, 'train-progress', 'data-status')).toBe('done');
  });
});
