// Paper figures' legibility in a real browser: Fig. 1's theory labels sit off the data (no label box meets a point
// or an error bar), Fig. 3's legend says what its bars are (delta-method SEs, not "no SE"), and its 20 series can be
// narrowed to one σ_w² or one cosine, in the plot and in its export.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { downloadText, labPerFile, requireEngine, type PageElement, type PageGlobals } from './harness';

const session = labPerFile();

async function runPreset(page: Page, id: string, samples: number, depths: number): Promise<void> {
  await page.getByTestId(`preset-${id}`).check();
  await page.getByTestId('preset-samples').fill(String(samples));
  await page.getByTestId('preset-samples').press('Enter'); // number fields commit on Enter or blur
  await page.getByTestId('preset-depths').fill(String(depths));
  await page.getByTestId('preset-depths').press('Enter');
  await page.getByTestId('preset-run').click();
  await expect
    .poll(() => page.getByTestId('preset-progress').getAttribute('data-status'), { timeout: 90_000 })
    .toBe('finished');
}

/** Label boxes that meet a measured point or error bar (screen boxes of the live SVG). */
async function labelsOnData(page: Page): Promise<{ labels: number; marks: number; hits: string[] }> {
  return page.evaluate(() => {
    type Boxed = PageElement & {
      getBoundingClientRect(): { left: number; right: number; top: number; bottom: number };
    };
    const doc = (globalThis as unknown as PageGlobals).document;
    const all = (sel: string) => Array.from(doc.querySelectorAll(`[data-testid="preset-figure"] ${sel}`)) as Boxed[];
    const box = (e: Boxed) => e.getBoundingClientRect();
    const labels = all('text.curve-label');
    const marks = all('.mark .pt').concat(all('.mark .bar'));
    const hits: string[] = [];
    for (const l of labels) {
      const a = box(l);
      for (const m of marks) {
        const b = box(m);
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
          hits.push(`${l.textContent} on ${m.getAttribute('class')}`);
        }
      }
    }
    return { labels: labels.length, marks: marks.length, hits };
  });
}

describe('paper figures (web mode)', () => {
  it("places Fig. 1's theory labels off the data", async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('tab-figures').click();
    await page.getByTestId('presets-panel').waitFor();
    await runPreset(page, 'fig1', 30, 4);
    const r = await labelsOnData(page);
    expect(r.labels).toBeGreaterThanOrEqual(2); // the shared ordered limit (→ 1) and the chaotic eq. (8) line
    expect(r.marks).toBeGreaterThan(50);
    expect(r.hits).toEqual([]);
  });

  it('labels Fig. 3 bars as delta-method SEs and narrows its 20 series to one σ_w² or one cosine', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('tab-figures').click();
    await page.getByTestId('presets-panel').waitFor();
    await runPreset(page, 'fig3', 20, 2);
    const figure = page.getByTestId('preset-figure');
    expect(await figure.getAttribute('data-shown-series')).toBe('20');
    const legend = (await figure.locator('.legend').textContent()) ?? '';
    expect(legend).toContain('± SE (delta method)');
    expect(legend).not.toContain('no SE');
    expect(await figure.locator('.mark .bar').count()).toBeGreaterThan(0);
    const allPoints = await figure.locator('.mark .pt').count();

    // one cosine off: 4 series fewer
    await page.getByTestId('figure-cos-0.1').uncheck();
    await expect.poll(() => figure.getAttribute('data-shown-series')).toBe('16');
    expect(await figure.locator('.mark .pt').count()).toBe((allPoints * 16) / 20);

    // one σ_w² alone: its 5 cosines, one colour in the legend, and the export draws the same
    const groups = await page.locator('[data-testid^="figure-only-"]').count();
    expect(groups).toBe(4);
    await page.locator('[data-testid^="figure-only-"]').first().click();
    await expect.poll(() => figure.getAttribute('data-shown-series')).toBe('5');
    const shownPoints = await figure.locator('.mark .pt').count();
    expect(shownPoints).toBe(allPoints / 4);
    const svg = await downloadText(page, 'export-figure-svg');
    expect([...svg.body.matchAll(/<circle[^>]*r="2.8"/g)].length).toBe(shownPoints);

    await page.getByTestId('figure-show-all').click();
    await expect.poll(() => figure.getAttribute('data-shown-series')).toBe('20');
  });
});
