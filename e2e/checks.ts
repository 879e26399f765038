// Checks shared by the web-mode and Electron specs. Every expected number comes from the theory module run here
// in Node (an independent evaluation of the same pure code the renderer bundles) or from the plane's geometry.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { predictPoint } from '../src-shared/theory';
import type { PageCanvas, PageGlobals } from './harness';

export const SIGMA = { min: 0.5, max: 4, cells: 200 } as const;
export const LAMBDA = { min: 0, max: 1.5, cells: 150 } as const;
const SIGMA_CELL = (SIGMA.max - SIGMA.min) / SIGMA.cells; // 0.0175
const LAMBDA_CELL = (LAMBDA.max - LAMBDA.min) / LAMBDA.cells; // 0.01

/** data-value of a readout field as a number (the displayed text is rounded; data-value is exact). */
export async function readoutNumber(page: Page, id: string): Promise<number> {
  const v = await page.getByTestId(`readout-${id}`).getAttribute('data-value');
  if (v === null || v === '') throw new Error(`readout-${id} has no value`);
  return Number(v);
}

export async function readoutText(page: Page, id: string): Promise<string> {
  return (await page.getByTestId(`readout-${id}`).textContent())?.trim() ?? '';
}

/** Page coordinates of (σ_w², λ) on the plane: the canvas covers exactly the plotted axes. */
export async function planePoint(page: Page, sigmaW2: number, lambda: number): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('plane-canvas').boundingBox();
  if (!box) throw new Error('the plane canvas is not visible');
  return {
    x: box.x + ((sigmaW2 - SIGMA.min) / (SIGMA.max - SIGMA.min)) * box.width,
    y: box.y + (1 - (lambda - LAMBDA.min) / (LAMBDA.max - LAMBDA.min)) * box.height,
  };
}

/** σ_w² / λ per screen pixel: the tolerance of a mouse position. */
async function pixelSize(page: Page): Promise<{ sigmaW2: number; lambda: number }> {
  const box = await page.getByTestId('plane-canvas').boundingBox();
  if (!box) throw new Error('the plane canvas is not visible');
  return { sigmaW2: (SIGMA.max - SIGMA.min) / box.width, lambda: (LAMBDA.max - LAMBDA.min) / box.height };
}

/** The readout's dispersion and E[Θ] must equal predictPoint at the readout's own network. */
export async function expectReadoutMatchesTheory(page: Page): Promise<void> {
  const sigmaW2 = await readoutNumber(page, 'sigmaW2');
  const depth = await readoutNumber(page, 'depth');
  const width = await readoutNumber(page, 'width');
  const inputDim = await readoutNumber(page, 'inputDim');
  const p = predictPoint({ sigmaW2, depth, width, inputDim });
  expect(await readoutNumber(page, 'dispersion-finite')).toBeCloseTo(p.dispersion.finite, 12);
  expect(await readoutNumber(page, 'dispersion-limit')).toBeCloseTo(p.dispersion.limit, 12);
  const mean = await readoutNumber(page, 'meanTheta');
  expect(Math.abs(mean / p.meanTheta - 1)).toBeLessThan(1e-12);
  expect(await page.getByTestId('readout-phase').getAttribute('data-value')).toBe(p.phase);
}

export async function checkPlaneRenders(page: Page): Promise<void> {
  const stats = await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    const c = g.document.querySelector('[data-testid="plane-canvas"]') as PageCanvas | null;
    if (!c) return null;
    const ctx = c.getContext('2d');
    if (!ctx) return null;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    let opaque = 0;
    let grey = 0;
    for (let p = 0; p < d.length; p += 4) {
      if (d[p + 3] === 255) opaque++;
      if (d[p] === 150 && d[p + 1] === 150 && d[p + 2] === 150) grey++;
      colours.add((d[p] << 16) | (d[p + 1] << 8) | d[p + 2]);
    }
    return { width: c.width, height: c.height, opaque, grey, colours: colours.size };
  });
  expect(stats).not.toBeNull();
  expect(stats).toMatchObject({ width: 200, height: 150, opaque: 200 * 150, grey: 0 });
  // a log colour ramp over dispersions from 1 to ~10² uses many distinct colours, a blank canvas one
  expect(stats!.colours).toBeGreaterThan(100);
}

/** Drag the crosshair from the ordered phase into the chaotic one. */
export async function checkDrag(page: Page): Promise<void> {
  const px = await pixelSize(page);
  const from = await planePoint(page, 1.2, 0.3);
  const to = await planePoint(page, 3.0, 0.8);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await expect.poll(() => page.getByTestId('readout-phase').getAttribute('data-value')).toBe('ordered');
  expect(Math.abs((await readoutNumber(page, 'sigmaW2')) - 1.2)).toBeLessThanOrEqual(1.5 * px.sigmaW2);
  await expectReadoutMatchesTheory(page);
  // mid-drag (button still down): readout and the λ slice follow the pointer before release
  const mid = await planePoint(page, 2.6, 0.55);
  await page.mouse.move(mid.x, mid.y, { steps: 8 });
  await expect
    .poll(async () => Math.abs((await readoutNumber(page, 'sigmaW2')) - 2.6))
    .toBeLessThanOrEqual(1.5 * px.sigmaW2);
  const midSigma = await readoutNumber(page, 'sigmaW2');
  expect(await page.getByTestId('slice-lambda').textContent()).toContain(`= ${String(Number(midSigma.toFixed(4)))} ·`);
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
  await expect.poll(() => page.getByTestId('readout-phase').getAttribute('data-value')).toBe('chaotic');
  expect(await readoutText(page, 'phase')).toBe('chaotic');
  expect(Math.abs((await readoutNumber(page, 'sigmaW2')) - 3.0)).toBeLessThanOrEqual(1.5 * px.sigmaW2);
  expect(Math.abs((await readoutNumber(page, 'cursor-lambda')) - 0.8)).toBeLessThanOrEqual(1.5 * px.lambda);
  const width = await readoutNumber(page, 'width');
  expect(await readoutNumber(page, 'depth')).toBe(
    Math.max(1, Math.round((await readoutNumber(page, 'cursor-lambda')) * width)),
  );
  await expectReadoutMatchesTheory(page);
  // the crosshair's accessible description follows the point
  expect(await page.getByTestId('plane').getAttribute('aria-label')).toContain('chaotic phase');
}

/** Arrow keys move the cursor by whole cells (Shift: ten). */
export async function checkKeyboard(page: Page): Promise<void> {
  await page.getByTestId('plane').focus();
  const s0 = await readoutNumber(page, 'sigmaW2');
  const l0 = await readoutNumber(page, 'cursor-lambda');
  const right = 7;
  const up = 5;
  for (let k = 0; k < right; k++) await page.keyboard.press('ArrowRight');
  for (let k = 0; k < up; k++) await page.keyboard.press('ArrowUp');
  expect(await readoutNumber(page, 'sigmaW2')).toBeCloseTo(s0 + right * SIGMA_CELL, 9);
  expect(await readoutNumber(page, 'cursor-lambda')).toBeCloseTo(l0 + up * LAMBDA_CELL, 9);
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('ArrowDown');
  expect(await readoutNumber(page, 'sigmaW2')).toBeCloseTo(s0 + (right - 10) * SIGMA_CELL, 9);
  expect(await readoutNumber(page, 'cursor-lambda')).toBeCloseTo(l0 + (up - 1) * LAMBDA_CELL, 9);
  await expectReadoutMatchesTheory(page);
}

/** Bad text in the width field: an inline alert, and the plane keeps the last valid M. */
export async function checkBadWidth(page: Page): Promise<void> {
  const field = page.getByTestId('input-width');
  const before = await page.getByTestId('plane-params').getAttribute('data-width');
  const depthBefore = await readoutNumber(page, 'depth');
  for (const [text, message] of [
    ['abc', 'must be a number'],
    ['-5', 'must be ≥ 1'],
    ['0', 'must be ≥ 1'],
    ['20000', 'must be ≤ 10000'],
    ['12.5', 'whole number'],
  ] as const) {
    await field.fill(text);
    await field.press('Enter'); // number fields commit on Enter or blur
    const alert = page.getByTestId('input-width-error');
    await expect.poll(() => alert.isVisible()).toBe(true);
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.textContent()).toContain(message);
    expect(await page.getByTestId('plane-params').getAttribute('data-width')).toBe(before);
    expect(await readoutNumber(page, 'depth')).toBe(depthBefore);
    expect(await readoutNumber(page, 'width')).toBe(Number(before));
  }
  await checkPlaneRenders(page);
  // a valid value clears the alert and re-renders the plane at the new width
  await field.fill('500');
  await field.press('Enter'); // number fields commit on Enter or blur
  await expect.poll(() => page.getByTestId('input-width-error').count()).toBe(0);
  expect(await page.getByTestId('plane-params').getAttribute('data-width')).toBe('500');
  expect(await readoutNumber(page, 'width')).toBe(500);
  expect(await readoutNumber(page, 'depth')).toBe(
    Math.max(1, Math.round((await readoutNumber(page, 'cursor-lambda')) * 500)),
  );
  await expectReadoutMatchesTheory(page);
}
