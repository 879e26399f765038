// Paper-figure presets in web mode: the figures tab, a Fig. 1 run cancelled mid-way (jobs stop, finished points
// stay), a tiny Fig. 2 run to completion (points + theory lines) and its CSV/JSON export. Expected values come from
// the preset expansion and the theory evaluated here in Node.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expandPreset, presetById } from '../src-shared/presets';
import { reluFiniteMomentsConstant } from '../src-shared/theory';
import { downloadText, labPerFile, requireEngine } from './harness';

const session = labPerFile();

const attr = async (page: Page, testid: string, name: string) =>
  Number(await page.getByTestId(testid).getAttribute(name));

describe('paper-figure presets (web mode)', () => {
  it('runs Fig. 1, cancels mid-way keeping the finished points, then runs a tiny Fig. 2 to completion and exports it', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('tab-figures').click();
    await page.getByTestId('presets-panel').waitFor();
    expect(await page.getByTestId('plane').isVisible()).toBe(false); // the explore view is out of the way

    // before any run: Fig. 1's theory lines (3 phases × 3 widths) and its cost at the default N = 10⁴
    const figure = page.getByTestId('preset-figure');
    expect(await figure.getAttribute('data-preset')).toBe('fig1');
    expect(await figure.locator('path.theory').count()).toBe(9);
    expect(await attr(page, 'preset-cost', 'data-jobs')).toBe(expandPreset(presetById('fig1')).jobs.length);
    expect(await page.getByTestId('preset-notes').textContent()).toContain('20×');

    // Fig. 1 at N = 10⁴: long enough (~20 s) to cancel mid-way
    await page.getByTestId('preset-run').click();
    const progress = page.getByTestId('preset-progress');
    await expect.poll(() => attr(page, 'preset-progress', 'data-done'), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    const n1 = await attr(page, 'preset-progress', 'data-networks');
    await expect.poll(() => attr(page, 'preset-progress', 'data-networks'), { timeout: 10_000 }).toBeGreaterThan(n1); // progress advances
    expect(await progress.getAttribute('data-status')).toBe('running');
    await page.getByTestId('preset-cancel').click();
    await expect.poll(() => progress.getAttribute('data-status')).toBe('cancelled');
    const done = await attr(page, 'preset-progress', 'data-done');
    const total = await attr(page, 'preset-progress', 'data-total');
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(total);
    await page.waitForTimeout(1500);
    expect(await attr(page, 'preset-progress', 'data-done')).toBe(done); // jobs stopped
    expect(await figure.locator('.mark.done .pt').count()).toBe(done); // finished points stay
    expect(await figure.locator('.mark.running').count()).toBe(0);

    // a tiny Fig. 2: N = 50, 2 depths per panel → 3 α₀ × 5 σ_w² × 2 depths = 30 jobs
    await page.getByTestId('preset-fig2').check();
    await page.getByTestId('preset-samples').fill('50');
    await page.getByTestId('preset-samples').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('preset-depths').fill('2');
    await page.getByTestId('preset-depths').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('preset-seed').fill('4');
    await page.getByTestId('preset-seed').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => attr(page, 'preset-cost', 'data-jobs')).toBe(30);
    await page.getByTestId('preset-run').click();
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 20_000 }).toBe('finished');
    expect(await attr(page, 'preset-progress', 'data-done')).toBe(30);
    expect(await attr(page, 'preset-progress', 'data-networks')).toBe(30 * 50);
    expect(await figure.getAttribute('data-preset')).toBe('fig2');
    expect(await figure.locator('.mark.done .pt').count()).toBe(30);
    expect(await figure.locator('path.theory').count()).toBe(15); // Thm 3.2 per σ_w² per panel
    expect(await figure.locator('path.measured-line').count()).toBe(15); // dashed, one per series per panel

    // CSV: one row per measured point, each the job Node expands for these options, with Thm 3.2 at its network
    const csv = await downloadText(page, 'export-figure-csv');
    expect(csv.name).toBe('ntk-fig2-N50-seed4.csv');
    const lines = csv.body
      .trimEnd()
      .split('\n')
      .map((l) => l.split(','));
    const head = lines[0];
    const col = (name: string) => head.indexOf(name);
    expect(lines.length).toBe(1 + 30);
    const { jobs } = expandPreset(presetById('fig2'), { samples: 50, seed: 4, maxDepthsPerPanel: 2 });
    lines.slice(1).forEach((cells, k) => {
      const job = jobs[k];
      const [sigmaW2, depth, width, inputDim] = ['sigmaW2', 'depth', 'width', 'inputDim'].map((c) =>
        Number(cells[col(c)]),
      );
      expect({ sigmaW2, depth, width, inputDim }).toEqual({
        sigmaW2: job.params.sigmaW2,
        depth: job.depth,
        width: 200,
        inputDim: job.params.inputDim,
      });
      expect(Number(cells[col('samples')])).toBe(50);
      expect(Number(cells[col('seed')])).toBe(job.params.seed);
      expect(Number(cells[col('stderr')])).toBeGreaterThan(0);
      expect(Number(cells[col('estimate')])).toBeGreaterThanOrEqual(0.5); // E[Θ²]/E[Θ]² ≥ 1 up to estimator noise at N = 50
      const theory = reluFiniteMomentsConstant(sigmaW2, depth, width, inputDim).dispersion;
      expect(Math.abs(Number(cells[col('theory')]) / theory - 1)).toBeLessThan(1e-12);
    });

    const json = JSON.parse((await downloadText(page, 'export-figure-json')).body);
    expect(json.preset.id).toBe('fig2');
    expect(json.run.options).toEqual({ samples: 50, seed: 4, maxDepthsPerPanel: 2 });
    expect(json.points.length).toBe(30);
    expect(json.points.every((p: { status: string }) => p.status === 'done')).toBe(true);

    const svg = await downloadText(page, 'export-figure-svg');
    expect(svg.body).toMatch(/^<\?xml[^>]*>\s*<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.body).not.toContain('token=');

    // back to the plane: it is still there
    await page.getByTestId('tab-explore').click();
    expect(await page.getByTestId('plane').isVisible()).toBe(true);
  });

  it('runs tiny Components, Fig. 6 (width profiles) and Fig. 10 presets; Fig. 5 is theory only', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('tab-figures').click();
    await page.getByTestId('presets-panel').waitFor();
    const figure = page.getByTestId('preset-figure');
    const progress = page.getByTestId('preset-progress');

    // Components: 4 share panels × 3 σ_w² × 2 depths = 24 jobs (measure with components)
    await page.getByTestId('preset-components').check();
    await page.getByTestId('preset-samples').fill('50');
    await page.getByTestId('preset-samples').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('preset-depths').fill('2');
    await page.getByTestId('preset-depths').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => attr(page, 'preset-cost', 'data-jobs')).toBe(24);
    await page.getByTestId('preset-run').click();
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 30_000 }).toBe('finished');
    expect(await figure.getAttribute('data-preset')).toBe('components');
    expect(await figure.locator('.mark.done .pt').count()).toBe(24);
    expect(await figure.locator('path.theory').count()).toBe(12); // Thm 3.2 per σ_w² per panel
    expect(await figure.locator('path.bound').count()).toBe(12); // exact, dotted

    // Fig. 6: 3 profiles × 5 σ_w² × 2 depths = 30 jobs (measure with widths)
    await page.getByTestId('preset-fig6').check();
    await page.getByTestId('preset-samples').fill('50');
    await page.getByTestId('preset-samples').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('preset-depths').fill('2');
    await page.getByTestId('preset-depths').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => attr(page, 'preset-cost', 'data-jobs')).toBe(30);
    await page.getByTestId('preset-run').click();
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 30_000 }).toBe('finished');
    expect(await figure.getAttribute('data-preset')).toBe('fig6');
    expect(await figure.locator('.mark.done .pt').count()).toBe(30);

    // Fig. 10: Fig. 2 with a continuous ±SE band per series instead of bars
    await page.getByTestId('preset-fig10').check();
    await page.getByTestId('preset-samples').fill('50');
    await page.getByTestId('preset-samples').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('preset-depths').fill('2');
    await page.getByTestId('preset-depths').press('Enter'); // number fields commit on Enter or blur
    await expect.poll(() => attr(page, 'preset-cost', 'data-jobs')).toBe(30);
    await page.getByTestId('preset-run').click();
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 30_000 }).toBe('finished');
    expect(await figure.locator('.mark.done .pt').count()).toBe(30);
    expect(await figure.locator('path.se-band').count()).toBe(15);
    expect(await figure.locator('line.bar').count()).toBe(0);

    // Fig. 5: lines only, Run disabled
    await page.getByTestId('preset-fig5').check();
    expect(await figure.getAttribute('data-preset')).toBe('fig5');
    expect(await figure.locator('path.theory').count()).toBe(6);
    expect(await page.getByTestId('preset-run').isDisabled()).toBe(true);
  });
});
