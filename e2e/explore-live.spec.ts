// Issue 16 defects in the browser: the cursor's measurement is live (no debounce: after an arrow-key step the readout's
// measured value is that of the new point, its job started in the same task as the step); the First GD step slice
// marks heavy-tailed points instead of drawing them as precise; the plane layer's colour bar is not flattened by a few
// chaotic cells; the slices, computed in a Web Worker, follow a drag.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { labPerFile, requireEngine } from './harness';
import { PLANE } from '../src-renderer/lib/plane';

const session = labPerFile();

interface ReadoutState {
  sigmaW2: number;
  depth: number;
  status: string;
  measured: { sigmaW2: string; depth: string; value: string };
}

/** One synchronous read of the readout: the cursor's point, the measurement's status and whose value it shows. */
const readState = (page: Page): Promise<ReadoutState> =>
  page.evaluate(() => {
    const doc = (
      globalThis as unknown as {
        document: { querySelector(s: string): { getAttribute(a: string): string | null } | null };
      }
    ).document;
    const attr = (id: string, a: string) => doc.querySelector(`[data-testid="${id}"]`)?.getAttribute(a) ?? '';
    return {
      sigmaW2: Number(attr('readout-sigmaW2', 'data-value')),
      depth: Number(attr('readout-depth', 'data-value')),
      status: attr('readout-measured-status', 'data-status'),
      measured: {
        sigmaW2: attr('readout-measured-dispersion', 'data-sigma-w2'),
        depth: attr('readout-measured-dispersion', 'data-depth'),
        value: attr('readout-measured-dispersion', 'data-value'),
      },
    };
  });

describe('issue 16: the live cursor and the GD-step slice (web mode)', () => {
  it('after each arrow-key step the measured value belongs to the new point, started without a debounce', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('plane').focus();
    for (const key of ['ArrowRight', 'ArrowUp', 'ArrowRight', 'ArrowDown']) {
      const before = await readState(page);
      await page.keyboard.press(key);
      // the step and the start of its job happen in one task: once the readout shows the new point, its
      // measurement is never "waiting" (a debounce would hold it there for its delay)
      const after = await readState(page);
      expect(after.sigmaW2 !== before.sigmaW2 || after.depth !== before.depth).toBe(true);
      expect(after.status).not.toBe('waiting');
      expect(after.status).not.toBe('');
      await expect
        .poll(
          async () => {
            const s = await readState(page);
            const own = Number(s.measured.sigmaW2) === s.sigmaW2 && Number(s.measured.depth) === s.depth;
            return s.measured.value !== '' && own ? 'measured' : JSON.stringify(s);
          },
          { timeout: 30_000 },
        )
        .toBe('measured');
      const s = await readState(page);
      expect(Number(s.measured.value)).toBeGreaterThan(1);
    }
  });

  it('the First GD step slice grows its ordered-phase points and marks the heavy-tailed ones', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck(); // the Explore slices share the lab's job slots
    // M = 20: depths 1–20, a few ms per network; σ_w² = 1 (the first series) is ordered, where rare networks whose
    // ReLU units cross zero in the step carry E[|ΔΘ|]
    await page.getByTestId('input-width').fill('20');
    await page.getByTestId('input-width').press('Enter');
    await page.getByTestId('input-sigmaW2').fill('1'); // the cursor in the ordered phase too (L = 10)
    await page.getByTestId('input-sigmaW2').press('Enter');
    await page.getByTestId('tab-gd-step').click();
    // the cursor's readout (N = 200) says its mean is carried by a few networks
    await expect.poll(() => page.getByTestId('gd-readout-tail-warning').count(), { timeout: 60_000 }).toBe(1);
    expect(Number(await page.getByTestId('gd-readout-tail-warning').getAttribute('data-value'))).toBeGreaterThan(0.5);
    const slice = page.getByTestId('gd-step-slice');
    await expect.poll(() => slice.isVisible()).toBe(true);
    // one synchronous look at the plot (it is redrawn as results stream in): the legend row, and the ordered
    // series' marked points, each with its dashed square and a tooltip that says why and how many networks ran
    const look = () =>
      page.evaluate(() => {
        const doc = (
          globalThis as unknown as {
            document: {
              querySelector(s: string): {
                querySelectorAll(s: string): ArrayLike<{
                  querySelector(s: string): { textContent: string | null } | null;
                }>;
                querySelector(s: string): unknown;
              } | null;
            };
          }
        ).document;
        const plot = doc.querySelector('[data-testid="gd-step-slice"]');
        if (!plot) return { legend: false, marked: [] };
        const marked = Array.from(plot.querySelectorAll('g.mark[data-series="0"][data-trust="heavy-tail"]')).map(
          (m) => ({
            square: m.querySelector('rect.heavy-tail-mark') !== null,
            tip: m.querySelector('title')?.textContent ?? '',
          }),
        );
        return { legend: plot.querySelector('[data-testid="gd-slice-heavy-tail"]') !== null, marked };
      });
    await expect
      .poll(
        async () => {
          const l = await look();
          const grown = l.marked.filter(
            (m) => m.square && /N = (\d{3,}|[1-9],\d{3});.*heavy-tailed: SE not trusted/.test(m.tip),
          );
          return l.legend && grown.length > 0 ? 'marked' : JSON.stringify(l);
        },
        { timeout: 90_000 },
      )
      .toBe('marked');
  });

  it('the First GD step plane layer clips its colour bar around the bulk and states the full range', async () => {
    const page = await session.open();
    await requireEngine(page);
    await page.getByTestId('measure-slices').uncheck();
    // M = 30, η = 1e-3: the 8 × 6 cells span ~1e-17 (ordered, deep) to ~1e200+ (chaotic, deep)
    await page.getByTestId('input-width').fill('30');
    await page.getByTestId('input-width').press('Enter');
    await page.getByTestId('tab-gd-step').click();
    await page.getByTestId('gd-slices-toggle').uncheck();
    await page.getByTestId('gd-layer-levels').selectOption('1');
    await page.getByTestId('gd-layer-toggle').check();
    const layer = page.getByTestId('gd-step-layer');
    // every cell finished or failed (deep chaotic cells whose Θ′ overflows in every network fail with the reason)
    const settled = async () => {
      const note = (await layer.getByTestId('gd-step-layer-note').textContent()) ?? '';
      const done = Number(/measured (\d+)\/48/.exec(note)?.[1] ?? 0);
      const failed = Number(/(\d+) failed/.exec(note)?.[1] ?? 0);
      return done + failed === 48 ? 'settled' : note;
    };
    await expect.poll(settled, { timeout: 90_000 }).toBe('settled');
    const range = layer.getByTestId('gd-layer-range');
    expect(await range.count()).toBe(1);
    const [min, max] = [Number(await range.getAttribute('data-min')), Number(await range.getAttribute('data-max'))];
    expect(max - min).toBeGreaterThan(16); // more than the bar's 8 decades either side of the quartiles
    expect(await range.textContent()).toMatch(/^all: -?\d+\.\d … -?\d+\.\d$/);
    expect(await layer.locator('path.beyond').count()).toBeGreaterThan(0);
    expect(await layer.locator('path.bar-arrow').count()).toBeGreaterThan(0);
  });

  it('after a fast drag both slices show the curves of the point the cursor came to rest on', async () => {
    const page = await session.open();
    const box = await page.getByTestId('plane-canvas').boundingBox();
    if (!box) throw new Error('the plane canvas is not visible');
    const at = (sigmaW2: number, lambda: number) => ({
      x: box.x + ((sigmaW2 - PLANE.sigmaW2.min) / (PLANE.sigmaW2.max - PLANE.sigmaW2.min)) * box.width,
      y:
        box.y +
        (1 - (lambda - PLANE.depthToWidth.min) / (PLANE.depthToWidth.max - PLANE.depthToWidth.min)) * box.height,
    });
    const fixed = async (id: string) => page.getByTestId(id).locator('svg[role="img"]').getAttribute('data-fixed');
    const finitePath = (id: string) => page.getByTestId(id).locator('path.curve.finite').getAttribute('d');
    // the default cursor's slices have arrived from the worker
    await expect.poll(() => fixed('slice-lambda')).toBe('2');
    await expect.poll(() => fixed('slice-sigma')).toBe('0.5');
    const before = [await finitePath('slice-lambda'), await finitePath('slice-sigma')];
    const a = at(1.2, 0.3),
      b = at(3.1, 1.1);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    for (let k = 1; k <= 30; k++) await page.mouse.move(a.x + ((b.x - a.x) * k) / 30, a.y + ((b.y - a.y) * k) / 30);
    await page.mouse.up();
    const sigma = await page.getByTestId('readout-sigmaW2').getAttribute('data-value');
    const lambda = await page.getByTestId('readout-cursor-lambda').getAttribute('data-value');
    expect(Math.abs(Number(sigma) - 3.1)).toBeLessThan(0.1);
    await expect.poll(() => fixed('slice-lambda')).toBe(sigma);
    await expect.poll(() => fixed('slice-sigma')).toBe(lambda);
    expect(await finitePath('slice-lambda')).not.toBe(before[0]);
    expect(await finitePath('slice-sigma')).not.toBe(before[1]);
  });
});
