// Keyboard on the planes that were click-only, in a real browser: the First GD step's plane layer and the freeze/chaos
// (β, L) plane take focus (Tab reaches them, the focus ring is visible), the arrow keys move the cursor (Shift: ten
// steps), and the move reaches the rest of the lab (the shared cursor, the tab's fields); the export has no cursor.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { PLANE } from '../src-renderer/lib/plane';
import { downloadText, labPerFile, requireEngine } from './harness';

const session = labPerFile();

const num = async (loc: Locator, name: string) => Number(await loc.getAttribute(name));

/** Focus `target` with the Tab key (from the element before it in tab order), then check the ring is drawn. */
async function tabInto(page: Page, target: Locator): Promise<void> {
  for (let k = 0; k < 200 && !(await target.evaluate((el) => el === el.ownerDocument.activeElement)); k++)
    await page.keyboard.press('Tab');
  expect(await target.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  const ring = await target.evaluate((el) => {
    const g = globalThis as unknown as {
      getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string };
    };
    const s = g.getComputedStyle(el);
    return { visible: el.matches(':focus-visible'), style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(ring.visible).toBe(true);
  expect(ring.style).not.toBe('none');
  expect(ring.width).toBeGreaterThanOrEqual(1);
}

describe('keyboard on the GD-step layer and the (β, L) plane', () => {
  it('GD-step plane layer: arrow keys step the shared cursor one Explore cell, Shift ten', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    await page.getByTestId('input-width').fill('30');
    await page.getByTestId('input-width').press('Enter'); // number fields commit on Enter or blur
    await page.getByTestId('tab-gd-step').click();
    await page.getByTestId('gd-layer-toggle').check();
    const area = page.getByTestId('gd-layer-area');
    await area.waitFor();
    const readout = (id: string) => num(page.getByTestId(`gd-readout-${id}`), 'data-value');
    const s0 = await readout('sigmaW2');
    const l0 = await readout('lambda');
    await page.getByTestId('gd-layer-toggle').focus();
    await tabInto(page, area);

    const ds = (PLANE.sigmaW2.max - PLANE.sigmaW2.min) / PLANE.sigmaW2.cells;
    const dl = (PLANE.depthToWidth.max - PLANE.depthToWidth.min) / PLANE.depthToWidth.cells;
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => readout('sigmaW2')).toBeCloseTo(s0 + ds, 9);
    await page.keyboard.press('Shift+ArrowUp');
    await expect.poll(() => readout('lambda')).toBeCloseTo(l0 + 10 * dl, 9);
    await page.keyboard.press('Shift+ArrowLeft');
    await expect.poll(() => readout('sigmaW2')).toBeCloseTo(s0 - 9 * ds, 9);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => readout('lambda')).toBeCloseTo(l0 + 9 * dl, 9);
    expect(await num(area, 'data-sigma-w2')).toBeCloseTo(s0 - 9 * ds, 9);
    // the page did not scroll under the keys (they are the plane's)
    expect(await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY)).toBe(0);
    // the cursor is the lab's: the Explore plane has it too
    await page.getByTestId('tab-explore').click();
    await expect.poll(async () => num(page.getByTestId('plane'), 'aria-valuenow')).toBeCloseTo(s0 - 9 * ds, 9);

    // the export is the figure: no crosshair
    await page.getByTestId('tab-gd-step').click();
    const svg = (await downloadText(page, 'export-gd-step-layer-svg')).body;
    expect(svg).toContain('First-step change on the plane');
    expect(svg).not.toMatch(/class="cross(-dot)?"/);
  });

  it('(β, L) plane: arrow keys step β one grid column and L one layer, Shift ten; the fields follow', async () => {
    const page = await session.open();
    await page.getByTestId('measure-slices').uncheck();
    await page.getByTestId('tab-freeze-chaos').click();
    const area = page.getByTestId('fc-plane-area');
    await area.waitFor();
    const beta0 = await num(area, 'data-beta');
    const depth0 = await num(area, 'data-depth');
    const last = (await num(area, 'data-columns')) - 1; // β = i / last on the plotted grid
    const rows = await num(area, 'data-rows');
    expect(last).toBeGreaterThanOrEqual(20);
    expect(rows).toBeGreaterThan(depth0 + 10);
    await tabInto(page, area);

    await page.keyboard.press('Shift+ArrowUp');
    await expect.poll(() => num(area, 'data-depth')).toBe(depth0 + 10);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => num(area, 'data-depth')).toBe(depth0 + 9);
    expect(Number(await page.locator('input#fc-depth').inputValue())).toBe(depth0 + 9);

    const column = Math.round(beta0 * last);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => num(area, 'data-beta')).toBeCloseTo((column - 1) / last, 9);
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => num(area, 'data-beta')).toBeCloseTo(Math.min(last, column + 9) / last, 9);
    // the tab's β field follows
    await expect
      .poll(async () => Number(await page.locator('input#fc-beta').inputValue()))
      .toBeCloseTo(Math.min(last, column + 9) / last, 6);
    expect(await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY)).toBe(0);
  });
});
