// The "Trainability" tab in web mode: real host, real engine, Debian's chromium. Critical lines are checked against
// the mean-field module run here in Node (criticalPoint), not against the tab's own code.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { criticalPoint } from '../src-shared/theory/meanfield';
import { download, labPerFile, parseCsv, requireEngine } from './harness';

const session = labPerFile();

const attr = async (page: Page, testid: string, name: string) => page.getByTestId(testid).first().getAttribute(name);

/** A page on the Trainability tab with the Explore tab's measurements off (they share the lab's job slots). */
async function openTab(): Promise<Page> {
  const page = await session.open();
  await requireEngine(page);
  await page.getByTestId('measure-slices').uncheck();
  await page.getByTestId('tab-trainability').click();
  await expect.poll(() => page.getByTestId('trainability-panel').isVisible()).toBe(true);
  return page;
}

/** Waits until the theory background has all its columns. */
async function theoryDone(page: Page): Promise<void> {
  await expect
    .poll(() => attr(page, 'tr-theory-status', 'data-busy'), { timeout: 60_000, interval: 200 })
    .toBe('false');
}

describe('trainability tab', () => {
  it('draws the critical line where the theory puts it, moves it with φ, and marks the no-fixed-point region', async () => {
    const page = await openTab();
    expect(await attr(page, 'tab-trainability', 'aria-selected')).toBe('true');
    await theoryDone(page);
    // ReLU: χ₁ = σ_w²/2, critical at 2 for any σ_b²
    expect(Number(await attr(page, 'tplane-critical', 'data-sigma-w2'))).toBe(2);
    // contours exist on the ordered side (ReLU has no finite fixed point on the chaotic side)
    expect(await page.getByTestId('tplane-contour-ordered').count()).toBeGreaterThan(0);
    expect(Number(await attr(page, 'tplane-contour-ordered', 'data-points'))).toBeGreaterThan(10);
    // ReLU, σ_w² > 2: no finite q* (σ_b² = 0 and > 0): hatched from 2 to the window's right edge, never a colour
    for (const b of ['0', '0.1']) {
      await page.getByTestId('tr-sigmaB2').fill(b);
      await page.getByTestId('tr-sigmaB2').press('Enter'); // number fields commit on Enter or blur
      await theoryDone(page);
      const none = page.getByTestId('tplane-none');
      expect(await none.count()).toBe(1);
      expect(Number(await none.getAttribute('data-x0'))).toBeCloseTo(2, 1);
      expect(Number(await attr(page, 'tplane', 'data-none-cells'))).toBeGreaterThan(0);
    }
    expect(await page.getByTestId('plane-theory-note').count()).toBe(1); // σ_b² ≠ 0: the Explore plane says its colours are ReLU σ_b² = 0

    // tanh, σ_b² = 0: critical at σ_w² = 1 (q* = 0 branch); both contours; no hatching
    await page.getByTestId('tr-sigmaB2').fill('0');
    await page.getByTestId('tr-sigmaB2').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-activation').selectOption('tanh');
    await theoryDone(page);
    const expected = criticalPoint('tanh', 0).sigmaW2 as number;
    expect(expected).toBeCloseTo(1, 9);
    await expect
      .poll(async () => Number(await attr(page, 'tplane-critical', 'data-sigma-w2')))
      .toBeCloseTo(expected, 9);
    expect(await page.getByTestId('tplane-contour-ordered').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('tplane-contour-chaotic').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('tplane-none').count()).toBe(0);
    // the line's pixel position agrees with its data: σ_w² = 1 on the window [0.25, 4.25]
    const box = await page.getByTestId('tplane-critical').boundingBox();
    const frame = await page.locator('[data-testid="trainability-plane"] rect.frame').boundingBox();
    expect(box && frame).toBeTruthy();
    expect((box!.x + box!.width / 2 - frame!.x) / frame!.width).toBeCloseTo((1 - 0.25) / 4, 2);

    // the Explore plane shows the same critical line (φ is shared)
    await page.getByTestId('tab-explore').click();
    expect(Number(await attr(page, 'plane-critical-line', 'data-sigma-w2'))).toBeCloseTo(expected, 9);
    await page.getByTestId('tab-trainability').click();

    // spectrum and learning-rate panels have curves; the LR sweep waits for Run
    await expect.poll(() => attr(page, 'spectrum-panel', 'data-rows')).toBe('100');
    expect(await page.getByTestId('spectrum-lambdaMax').count()).toBe(1);
    expect(await page.getByTestId('lr-eta').count()).toBe(1);
    expect(await page.getByTestId('lr-sweep-note').textContent()).toMatch(/reduced-size replica/);
    expect(await page.getByTestId('lr-sweep-theory').count()).toBe(1);
  });

  it('exports every plot of the tab', async () => {
    const page = await openTab();
    await theoryDone(page);
    for (const plot of ['trainability-plane', 'spectrum', 'learning-rate']) {
      for (const f of ['svg', 'png', 'csv', 'json'])
        expect(await page.getByTestId(`export-${plot}-${f}`).count()).toBe(1);
    }
    const csv = await download(page, 'export-trainability-plane-csv');
    expect(csv.name).toBe('ntk-trainability-plane-relu-b0-M128.csv');
    const rows = parseCsv(csv.body.toString('utf8'));
    expect(rows[0].slice(0, 5)).toEqual(['kind', 'sigmaW2', 'depth', 'depthToWidth', 'phase']);
    expect(rows.length - 1).toBe(120); // one theory row per σ_w² column, no cells yet
    const svg = await download(page, 'export-trainability-plane-svg');
    expect(svg.body.toString('utf8')).toMatch(/^<\?xml|^<svg/);
    const json = JSON.parse((await download(page, 'export-spectrum-json')).body.toString('utf8'));
    expect(json.plot).toBe('spectrum');
    expect(json.network.activation).toBe('relu');
    const lr = parseCsv((await download(page, 'export-learning-rate-csv')).body.toString('utf8'));
    expect(lr[0]).toEqual(['depth', 'etaTheory', 'etaTable1', 'etaUsed']);
  });

  it('measures the NTK spectrum of finite networks and plots it beside the recursion', async () => {
    const page = await openTab();
    await page.getByTestId('tr-width').fill('24');
    await page.getByTestId('tr-width').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-max-depth').fill('16'); // depths 2, 4, 8, 16
    await page.getByTestId('tr-max-depth').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-inputs').fill('4');
    await page.getByTestId('tr-inputs').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-spectrum-samples').fill('8');
    await page.getByTestId('tr-spectrum-samples').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => attr(page, 'spectrum-panel', 'data-rows')).toBe('16');
    await page.getByTestId('tr-spectrum-measure').click();
    await expect
      .poll(() => page.getByTestId('tr-spectrum-note').textContent(), { timeout: 120_000, interval: 500 })
      .toMatch(/^measured at M = 24/);
    expect(await attr(page, 'spectrum-panel', 'data-measured')).toBe('4');
    expect(await page.getByTestId('spectrum-measured').count()).toBe(12); // λ_max, bulk, κ at 4 depths
    // at L = 2 (L/M = 1/12) the finite networks agree with the infinite-width recursion within 4 SE plus a 5%
    // allowance for the O(L/M) finite-width correction (200 networks gave 5.58 ± 0.13 vs 5.43 for λ_max here)
    const rows = parseCsv((await download(page, 'export-spectrum-csv')).body.toString('utf8'));
    const col = (name: string) => rows[0].indexOf(name);
    const at2 = rows.find((r) => r[0] === '2')!;
    for (const q of ['LambdaMax', 'Bulk']) {
      const theory = Number(at2[col(q === 'Bulk' ? 'bulk' : 'lambdaMax')]);
      const measuredValue = Number(at2[col(`measured${q}`)]);
      const se = Number(at2[col(`measured${q}SE`)]);
      expect(se).toBeGreaterThan(0);
      expect(Math.abs(measuredValue - theory)).toBeLessThan(4 * se + 0.05 * theory);
    }
  }, 180_000);

  it('a tiny sweep (2×2 cells, synthetic data) fills its cells', async () => {
    const page = await openTab();
    await page.getByTestId('tr-width').fill('16');
    await page.getByTestId('tr-width').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-steps').fill('5');
    await page.getByTestId('tr-steps').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-batch').fill('16');
    await page.getByTestId('tr-batch').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-train-size').fill('64');
    await page.getByTestId('tr-train-size').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-test-size').fill('32');
    await page.getByTestId('tr-test-size').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-smin').fill('1');
    await page.getByTestId('tr-smin').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-smax').fill('3');
    await page.getByTestId('tr-smax').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-scount').fill('2');
    await page.getByTestId('tr-scount').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-depths').fill('2, 3');
    await page.getByTestId('tr-dataset-synthetic').check({ force: true }); // the radio is visually hidden in its segmented label
    await page.getByTestId('tr-seed').fill('17'); // each spec file's host has a fresh data dir: nothing to resume
    await page.getByTestId('tr-seed').press('Enter'); // number fields commit on Enter or blur
    expect(await page.getByTestId('tr-params-error').count()).toBe(0);
    await page.getByTestId('tr-start').click();
    await expect.poll(() => attr(page, 'tr-progress', 'data-status'), { timeout: 10_000 }).not.toBe('idle');
    // an error (a refused job kind included) fails here with the tab's own message
    if ((await attr(page, 'tr-progress', 'data-status')) === 'error') {
      throw new Error(`the sweep failed: ${await page.getByTestId('tr-error').textContent()}`);
    }
    await expect
      .poll(() => attr(page, 'tr-progress', 'data-status'), { timeout: 180_000, interval: 500 })
      .toBe('complete');
    expect(await attr(page, 'tr-progress', 'data-done')).toBe('4');
    expect(await page.getByTestId('tplane-cell').count()).toBe(4);
    for (let k = 0; k < 4; k++) {
      const acc = Number(await page.getByTestId('tplane-cell').nth(k).getAttribute('data-accuracy'));
      expect(acc).toBeGreaterThanOrEqual(0);
      expect(acc).toBeLessThanOrEqual(1);
    }
    expect(await page.getByTestId('tr-backend').textContent()).toMatch(/backend: \S+/);
  }, 240_000);

  it('a tiny learning-rate sweep (synthetic data) plots one point per ρ; far above η_theory it diverges', async () => {
    const page = await openTab();
    await page.getByTestId('tr-width').fill('16');
    await page.getByTestId('tr-width').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-batch').fill('32');
    await page.getByTestId('tr-batch').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-train-size').fill('256');
    await page.getByTestId('tr-train-size').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-test-size').fill('128');
    await page.getByTestId('tr-test-size').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tr-dataset-synthetic').check({ force: true });
    await page.getByTestId('tr-activation').selectOption('erf');
    await page.getByTestId('lr-sweep-depths').fill('2');
    await page.getByTestId('lr-sweep-rhos').fill('0.3, 0.5, 50');
    await page.getByTestId('lr-sweep-steps').fill('400');
    await page.getByTestId('lr-sweep-run').click();
    // pause holds the sweep at its next SGD step (at most the network in flight finishes), resume goes on
    await page.getByTestId('lr-sweep-pause').click();
    await expect.poll(() => page.getByTestId('lr-sweep-pause').textContent(), { timeout: 20_000 }).toBe('Resume');
    expect(await page.getByTestId('lr-sweep-note').textContent()).toMatch(/^paused · /);
    const before = Number(await attr(page, 'lr-panel', 'data-sweep-points'));
    await page.waitForTimeout(2500);
    expect(Number(await attr(page, 'lr-panel', 'data-sweep-points'))).toBeLessThanOrEqual(before + 1);
    expect(await page.getByTestId('lr-sweep-pause').textContent()).toBe('Resume');
    await page.getByTestId('lr-sweep-pause').click();
    await expect.poll(() => attr(page, 'lr-panel', 'data-sweep-points'), { timeout: 120_000, interval: 300 }).toBe('3');
    await expect
      .poll(() => page.getByTestId('lr-sweep-note').textContent(), { timeout: 30_000 })
      .toMatch(/^trained 3 networks/);
    expect(await attr(page, 'lr-sweep-series', 'data-points')).toBe('3');
    expect(await page.getByTestId('lr-sweep-diverged').count()).toBe(1); // ρ = 50: 2B/λ_max × 50 blows up (Xiao et al. 2020, Fig. 2)
    expect(Number(await attr(page, 'lr-sweep-point', 'data-rho'))).toBe(0.3);
    const lr = parseCsv((await download(page, 'export-learning-rate-csv')).body.toString('utf8'));
    expect(lr[0]).toEqual([
      'depth',
      'rho',
      'lr',
      'etaTheory',
      'trainAccuracy',
      'testAccuracy',
      'trainLoss',
      'diverged',
      'seconds',
      'failed',
    ]);
    expect(lr.slice(1).map((r) => r[7])).toEqual(['false', 'false', 'true']);
    // train / test switch: the same networks, the other recorded accuracy
    expect(Number(await attr(page, 'lr-sweep-point', 'data-plotted'))).toBeCloseTo(Number(lr[1][4]), 6);
    await page.getByTestId('lr-split-test').check({ force: true });
    await expect
      .poll(async () => Number(await attr(page, 'lr-sweep-point', 'data-plotted')))
      .toBeCloseTo(Number(lr[1][5]), 6);
    expect(await page.getByTestId('lr-sweep-plot').getAttribute('aria-label')).toMatch(/^test accuracy/);
  }, 180_000);
});
