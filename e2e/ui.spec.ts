// Issue 16's defects, each checked in the browser: number fields commit only whole valid values, one cursor for every
// tab, the ratio colour bar of the measured layer, the readout's λ of the measured network, a header per tab; the
// layout from 1024 × 640 up, and a panel that fails alone.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readoutNumber, readoutText } from './checks';
import { download, labPerFile, requireEngine } from './harness';

const session = labPerFile();

const planeWidth = (page: Page) => page.getByTestId('plane-params').getAttribute('data-width');

/** Clear a field, then type `text` key by key (every prefix reaches the field as the user types it). */
async function typeInto(page: Page, testid: string, text: string): Promise<void> {
  const field = page.getByTestId(testid);
  await field.fill('');
  await field.pressSequentially(text);
}

describe('issue 16 defects (web mode)', () => {
  it('number fields commit only a value valid as a whole, on Enter or blur; an invalid entry keeps the state', async () => {
    const page = await session.open();
    expect(await planeWidth(page)).toBe('200');
    const sigma0 = await readoutNumber(page, 'sigmaW2');

    // "1e12" passes through the valid prefixes 1 and 1e1 = 10: none of them may reach the plane
    await typeInto(page, 'input-width', '1e12');
    expect(await page.getByTestId('input-width-error').textContent()).toContain('must be ≤ 10000');
    expect(await planeWidth(page)).toBe('200');
    expect(await page.getByTestId('derived-inputDim').textContent()).toContain('200');
    await page.getByTestId('input-width').press('Enter');
    expect(await planeWidth(page)).toBe('200');
    // leaving the field puts the kept value back and says so: field and state agree
    await page.getByTestId('input-width').press('Tab');
    expect(await page.getByTestId('input-width').inputValue()).toBe('200');
    const kept = page.getByTestId('input-width-error');
    expect(await kept.getAttribute('data-kept')).toBe('200');
    expect(await kept.textContent()).toContain('kept 200');
    expect(await planeWidth(page)).toBe('200');

    // σ_w² "10" passes through "1": the cursor must not jump there
    await typeInto(page, 'input-sigmaW2', '10');
    expect(await readoutNumber(page, 'sigmaW2')).toBe(sigma0);
    await page.getByTestId('input-sigmaW2').blur();
    expect(await readoutNumber(page, 'sigmaW2')).toBe(sigma0);
    expect(Number(await page.getByTestId('input-sigmaW2').inputValue())).toBe(sigma0);

    // seed "1e30" passes through 1e3 = 1000
    await typeInto(page, 'input-seed', '1e30');
    await page.getByTestId('input-seed').blur();
    expect(await page.getByTestId('input-seed').inputValue()).toBe('1');

    // a valid value: nothing while typing ("3", "30" are valid too), committed on Enter
    await typeInto(page, 'input-width', '300');
    expect(await planeWidth(page)).toBe('200');
    await page.getByTestId('input-width').press('Enter');
    await expect.poll(() => planeWidth(page)).toBe('300');
    expect(await page.getByTestId('input-width-error').count()).toBe(0);
    // and on blur
    await typeInto(page, 'input-width', '250');
    await page.getByTestId('input-width').blur();
    await expect.poll(() => planeWidth(page)).toBe('250');
  });

  it('shares the cursor σ_w² between Explore, Trainability and First GD step', async () => {
    const page = await session.open();
    await page.getByTestId('input-sigmaW2').fill('3');
    await page.getByTestId('input-sigmaW2').press('Enter');
    await expect.poll(() => readoutNumber(page, 'sigmaW2')).toBe(3);

    await page.getByTestId('tab-trainability').click();
    await expect.poll(() => page.getByTestId('tr-cursor-sigmaW2').inputValue()).toBe('3');
    await page.getByTestId('tr-cursor-sigmaW2').fill('1.2');
    await page.getByTestId('tr-cursor-sigmaW2').press('Enter');

    await page.getByTestId('tab-explore').click();
    await expect.poll(() => readoutNumber(page, 'sigmaW2')).toBe(1.2);
    await page.getByTestId('tab-gd-step').click();
    await expect
      .poll(async () => Number(await page.getByTestId('gd-readout-sigmaW2').getAttribute('data-value')))
      .toBe(1.2);
  });

  it('shows the λ = L/M of the measured network, not the cell centre, next to the rounded depth', async () => {
    const page = await session.open();
    await page.getByTestId('input-width').fill('7');
    await page.getByTestId('input-width').press('Enter');
    await page.getByTestId('input-lambda').fill('0.5');
    await page.getByTestId('input-lambda').press('Enter');
    await expect.poll(() => readoutNumber(page, 'depth')).toBe(4); // round(0.5 · 7) = round(3.5)
    expect(await readoutNumber(page, 'lambda')).toBeCloseTo(4 / 7, 12);
    expect(await readoutText(page, 'lambda')).toMatch(/^0\.5714/);
    expect(await readoutNumber(page, 'cursor-lambda')).toBe(0.5);
  });

  it('says on each tab what that tab shows', async () => {
    const page = await session.open();
    const expected: Record<string, RegExp> = {
      explore: /Dispersion of the neural tangent kernel at initialization/,
      figures: /Figs\. 1, 2, 3, 7, 8/,
      'gd-step': /one gradient-descent step/,
      train: /Fig\. 4/,
      trainability: /Xiao, Pennington & Schoenholz/,
    };
    const seen = new Set<string>();
    for (const [tab, re] of Object.entries(expected)) {
      await page.getByTestId(`tab-${tab}`).click();
      const text = (await page.getByTestId('tab-about').textContent()) ?? '';
      expect(text).toMatch(re);
      seen.add(text);
    }
    expect(seen.size).toBe(Object.keys(expected).length);
  });

  it('ratio mode of the measured layer puts the ratio colour bar on the plane and in its SVG export', async () => {
    const page = await session.open();
    await requireEngine(page);
    const bar = page.getByTestId('plane-colour-bar');
    expect(await bar.getAttribute('data-mode')).toBe('dispersion');
    // a small, cheap layer: M = 20, N = 3 per cell, one 8 × 6 level
    await page.getByTestId('input-width').fill('20');
    await page.getByTestId('input-width').press('Enter');
    await page.getByTestId('input-layer-samples').fill('3');
    await page.getByTestId('input-layer-samples').press('Enter');
    await page.getByTestId('layer-levels').selectOption('1');
    await page.getByTestId('layer-toggle').check();
    await page.getByTestId('layer-mode-ratio').check({ force: true });
    await expect.poll(() => bar.getAttribute('data-mode')).toBe('ratio');
    expect(await page.getByTestId('plane-colour-bar-title').textContent()).toContain('measured ÷ predicted');

    const svg = (await download(page, 'export-plane-svg')).body.toString('utf8');
    expect(svg).toContain('measured ÷ predicted');
    expect(svg).not.toContain('E[Θ²] / E[Θ]² (log scale)');

    // back to dispersion: the prediction's log scale again
    await page.getByTestId('layer-mode-dispersion').check({ force: true });
    await expect.poll(() => bar.getAttribute('data-mode')).toBe('dispersion');
    await page.getByTestId('layer-toggle').uncheck();
  });

  it('labels the y axes of the NTK-spectrum and η_theory plots, and writes log ticks as powers of ten', async () => {
    const page = await session.open();
    await page.getByTestId('tab-trainability').click();
    await page.getByTestId('spectrum-lambdaMax').waitFor({ timeout: 30_000 });
    await page.getByTestId('lr-eta').waitFor({ timeout: 30_000 });
    const titles = async (testid: string) =>
      page
        .getByTestId(testid)
        .locator('.axis-title')
        .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    const spectrum = await titles('spectrum-panel');
    expect(spectrum).toContain('depth L');
    expect(spectrum.some((t) => t.includes('bulk') && t.includes('κ'))).toBe(true);
    expect((await titles('lr-panel')).some((t) => t.includes('learning rate η'))).toBe(true);

    // one tick format: never "1e-8", "1e+9" or "0.000001"; log axes over decades say 10ⁿ or m×10ⁿ
    for (const testid of ['spectrum-panel', 'lr-panel', 'plane']) {
      const ticks = await page
        .getByTestId(testid)
        .locator('.tick text')
        .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
      expect(ticks.length).toBeGreaterThan(0);
      for (const t of ticks) expect(t).not.toMatch(/\de[+-]?\d|0\.0000/);
    }
    const spectrumTicks = await page
      .getByTestId('spectrum-panel')
      .locator('.tick text')
      .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(spectrumTicks.some((t) => /10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]/.test(t))).toBe(true);
  });

  it('at 1400 × 900 each slice card keeps its subtitle and its note inside the card', async () => {
    const page = await session.open(); // the tests' window is 1400 × 900 (harness VIEWPORT)
    for (const plot of ['slice-lambda', 'slice-sigma']) {
      const card = (await page.getByTestId(plot).boundingBox())!;
      const sub = page.getByTestId(plot).locator('p.sub');
      expect(await sub.textContent()).toMatch(/σ|λ/);
      const subBox = (await sub.boundingBox())!;
      expect(subBox.height, `${plot} subtitle height`).toBeGreaterThanOrEqual(12); // one 12 px line
      const note = (await page.getByTestId(`${plot}-note`).boundingBox())!;
      const plotBox = (await page.getByTestId(plot).locator('.plot').boundingBox())!;
      // top to bottom without overlap, all inside the card
      expect(subBox.y + subBox.height).toBeLessThanOrEqual(plotBox.y + 0.5);
      expect(plotBox.y + plotBox.height).toBeLessThanOrEqual(note.y + 0.5);
      expect(note.y + note.height, `${plot} note inside its card`).toBeLessThanOrEqual(card.y + card.height + 0.5);
    }
  });

  it('an error in one panel replaces that panel alone, and "Reload this panel" brings it back', async () => {
    const page = await session.open();
    session.forgive(/panel stopped|provoked by the test/);
    const setSigma = async (v: string) => {
      await page.getByTestId('input-sigmaW2').fill(v);
      await page.getByTestId('input-sigmaW2').press('Enter');
    };
    // a value only the readout formats: its exact-theory dispersion at σ_w² = 2.5
    await setSigma('2.5');
    await expect.poll(() => readoutNumber(page, 'sigmaW2')).toBe(2.5);
    const exact = await readoutNumber(page, 'dispersion-exact');
    await setSigma('2');
    await expect.poll(() => readoutNumber(page, 'sigmaW2')).toBe(2);
    // a fault only the test provokes: formatting that value throws (d3-format's significant digits use toExponential)
    await page.evaluate((bad) => {
      const proto = Number.prototype as unknown as { toExponential(this: number, d?: number): string };
      const original = proto.toExponential;
      const restore = () => (proto.toExponential = original);
      (globalThis as unknown as { __restoreFormat: () => void }).__restoreFormat = restore;
      proto.toExponential = function (this: number, d?: number) {
        if (Number(this) === bad) throw new Error('formatting provoked by the test');
        return original.call(this, d);
      };
    }, exact);
    await setSigma('2.5');
    const failed = page.getByTestId('panel-failed');
    await expect.poll(() => failed.count()).toBe(1);
    expect(await failed.getAttribute('data-panel')).toBe('cursor readout');
    expect(await failed.textContent()).toContain('formatting provoked by the test');
    // contained: the rest of Explore follows the cursor, the tabs work
    await expect.poll(async () => Number(await page.getByTestId('plane').getAttribute('data-sigma-w2'))).toBe(2.5);
    expect(await page.getByTestId('slice-lambda').locator('p.sub').textContent()).toContain('2.5');
    await page.getByTestId('tab-figures').click();
    await expect.poll(() => page.getByTestId('tab-figures').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('tab-explore').click();

    await page.evaluate(() => (globalThis as unknown as { __restoreFormat: () => void }).__restoreFormat());
    await page.getByTestId('panel-reload').click();
    await expect.poll(() => failed.count()).toBe(0);
    expect(await readoutNumber(page, 'sigmaW2')).toBe(2.5);
    expect(await readoutNumber(page, 'dispersion-exact')).toBe(exact);
  });

  it('at 1100 × 700 and 1024 × 640 every control and plot of every tab can be scrolled fully into view', async () => {
    const page = await session.open();
    for (const [width, height] of [
      [1100, 700],
      [1024, 640],
    ]) {
      await page.setViewportSize({ width, height });
      for (const tab of ['explore', 'figures', 'gd-step', 'train', 'trainability']) {
        await page.getByTestId(`tab-${tab}`).click();
        await page.waitForTimeout(300);
        const cut = await page.evaluate(() => {
          // minimal typings: the e2e tsconfig has no DOM lib
          interface Box {
            left: number;
            top: number;
            right: number;
            bottom: number;
            width: number;
            height: number;
          }
          interface El {
            getBoundingClientRect(): Box;
            scrollIntoView(o: { block: string; inline: string }): void;
            getAttribute(name: string): string | null;
          }
          const doc = (
            globalThis as unknown as {
              document: {
                documentElement: { clientWidth: number; clientHeight: number };
                querySelectorAll(s: string): ArrayLike<El>;
              };
            }
          ).document;
          const out: string[] = [];
          const vw = doc.documentElement.clientWidth;
          const vh = doc.documentElement.clientHeight;
          for (const el of Array.from(doc.querySelectorAll('[data-testid]'))) {
            let r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue; // not shown (another tab, or display: none)
            // both ends of it can be scrolled into the window (a tall plot may need two positions)
            el.scrollIntoView({ block: 'start', inline: 'start' });
            r = el.getBoundingClientRect();
            const startOk = r.top >= -1 && r.top < vh && r.left >= -1 && r.left < vw;
            el.scrollIntoView({ block: 'end', inline: 'end' });
            r = el.getBoundingClientRect();
            const endOk = r.bottom <= vh + 1 && r.bottom > 0 && r.right <= vw + 1 && r.right > 0;
            if (!startOk || !endOk)
              out.push(`${el.getAttribute('data-testid')} at ${Math.round(r.left)},${Math.round(r.top)}`);
          }
          return out;
        });
        expect(cut, `${tab} at ${width} × ${height}`).toEqual([]);
        // the status bar stays whole at the bottom of the window
        const status = await page.getByTestId('status').boundingBox();
        expect(status!.y + status!.height).toBeLessThanOrEqual(height + 1);
        const version = await page.getByTestId('status-version').boundingBox();
        expect(version!.x + version!.width).toBeLessThanOrEqual(width + 1);
      }
    }
  });
});
