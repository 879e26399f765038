// The Explore tab in a real browser (issue 16), through the e2e harness (web-mode host + Debian chromium):
//  - step → readout: an arrow-key step of the cursor at the defaults (M = 200, λ = 0.5, N = 10⁴) until the readout
//    shows a measured value of the NEW point (its σ_w² and L); target ≤ 100 ms median;
//  - drag: a fast drag across the plane with the slices on; the longest main-thread task (PerformanceObserver
//    'longtask', ≥ 50 ms by definition) and the longest frame gap while dragging; target: no task over 16 ms, so
//    no long task at all.
// Needs `npm run build` (out/renderer). Wall times on a shared machine depend on its load: printed with the figures.
// Run alone: npx tsx bench/browser.ts
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { startLab } from '../e2e/harness';
import { PLANE } from '../src-renderer/lib/plane';

const STEP_TARGET_MS = 100,
  FRAME_BUDGET_MS = 16,
  STEPS = 15;

type Win = Record<string, unknown> & {
  document: {
    querySelector(s: string): { getAttribute(a: string): string | null } | null;
    addEventListener(t: string, f: (e: { timeStamp: number }) => void, capture: boolean): void;
    removeEventListener(t: string, f: (e: { timeStamp: number }) => void, capture: boolean): void;
    body: unknown;
  };
};

/** Arms the page: on the next keydown, time until the readout's measured value is that of the cursor's point. */
async function armStep(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as Win;
    const doc = w.document;
    const attr = (id: string, a: string) => doc.querySelector(`[data-testid="${id}"]`)?.getAttribute(a) ?? '';
    w.__stepMs = new Promise<number>((resolve, reject) => {
      const onKey = (e: { timeStamp: number }): void => {
        doc.removeEventListener('keydown', onKey, true);
        const t0 = e.timeStamp;
        const before = attr('readout-sigmaW2', 'data-value') + '/' + attr('readout-depth', 'data-value');
        const check = (): boolean => {
          const sigma = attr('readout-sigmaW2', 'data-value'),
            depth = attr('readout-depth', 'data-value');
          if (`${sigma}/${depth}` === before) return false;
          const own =
            attr('readout-measured-dispersion', 'data-sigma-w2') === sigma &&
            attr('readout-measured-dispersion', 'data-depth') === depth &&
            attr('readout-measured-dispersion', 'data-value') !== '';
          if (own) resolve(performance.now() - t0);
          return own;
        };
        const Observer = (
          w as unknown as {
            MutationObserver: new (f: () => void) => { observe(n: unknown, o: object): void; disconnect(): void };
          }
        ).MutationObserver;
        const obs = new Observer(() => {
          if (check()) obs.disconnect();
        });
        obs.observe(doc.body, { subtree: true, attributes: true, childList: true });
        setTimeout(() => {
          obs.disconnect();
          reject(new Error('no measured value for the new point within 30 s'));
        }, 30_000);
      };
      doc.addEventListener('keydown', onKey, true);
    });
  });
}

async function stepLatencies(page: Page): Promise<number[]> {
  await page.getByTestId('plane').focus();
  const out: number[] = [];
  for (let k = 0; k < STEPS; k++) {
    await armStep(page);
    await page.keyboard.press(k % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
    out.push(await page.evaluate(() => (globalThis as unknown as Win).__stepMs as Promise<number>));
  }
  return out;
}

/** A fast drag (60 pointer moves, one per frame) across the plane; the longest task and frame gap seen meanwhile. */
async function dragTasks(page: Page): Promise<{ maxTask: number; tasks: number; total: number; maxGap: number }> {
  const box = await page.getByTestId('plane-canvas').boundingBox();
  if (!box) throw new Error('the plane canvas is not visible');
  const at = (sigmaW2: number, lambda: number) => ({
    x: box.x + ((sigmaW2 - PLANE.sigmaW2.min) / (PLANE.sigmaW2.max - PLANE.sigmaW2.min)) * box.width,
    y: box.y + (1 - (lambda - PLANE.depthToWidth.min) / (PLANE.depthToWidth.max - PLANE.depthToWidth.min)) * box.height,
  });
  await page.evaluate(() => {
    const w = globalThis as unknown as Win & {
      PerformanceObserver: new (f: (l: { getEntries(): { duration: number }[] }) => void) => {
        observe(o: object): void;
      };
      requestAnimationFrame(f: (t: number) => void): void;
    };
    const long: number[] = [];
    w.__long = long;
    new w.PerformanceObserver((l) => long.push(...l.getEntries().map((e) => e.duration))).observe({
      type: 'longtask',
    });
    const gaps = { max: 0, last: performance.now(), on: true };
    w.__gaps = gaps;
    const frame = (t: number): void => {
      gaps.max = Math.max(gaps.max, t - gaps.last);
      gaps.last = t;
      if (gaps.on) w.requestAnimationFrame(frame);
    };
    w.requestAnimationFrame(frame);
  });
  const a = at(1, 0.2),
    b = at(3.5, 1.2);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let k = 1; k <= 60; k++) {
    const s = k / 60;
    await page.mouse.move(a.x + (b.x - a.x) * s, a.y + (b.y - a.y) * s);
    await page.evaluate(
      () =>
        new Promise((r) =>
          (globalThis as unknown as Win & { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() =>
            r(null),
          ),
        ),
    );
  }
  await page.mouse.up();
  await page.waitForTimeout(200); // let the last task end so the observer reports it
  return page.evaluate(() => {
    const w = globalThis as unknown as Win;
    const long = w.__long as number[];
    const gaps = w.__gaps as { max: number; on: boolean };
    gaps.on = false;
    return {
      maxTask: long.length ? Math.max(...long) : 0,
      tasks: long.length,
      total: long.reduce((a, b) => a + b, 0),
      maxGap: gaps.max,
    };
  });
}

const median = (v: number[]): number => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];

export async function benchBrowser(): Promise<string[]> {
  const lab = await startLab();
  const lines = [`Explore in chromium (web mode), load average ${loadavg()[0].toFixed(2)}`];
  try {
    const { page, close } = await lab.open();
    // tsx (esbuild keepNames) wraps named functions in __name(); the functions sent to the page need it too
    await page.evaluate('globalThis.__name = (f) => f');
    // the first measurement of the default point: the pool is warm after it
    await page.waitForFunction(
      () =>
        (globalThis as unknown as Win).document
          .querySelector('[data-testid="readout-measured-dispersion"]')
          ?.getAttribute('data-value') !== '',
      null,
      { timeout: 60_000 },
    );
    const ms = await stepLatencies(page);
    const med = median(ms);
    lines.push(
      `  arrow-key step → measured value of the new point in the readout: median ${med.toFixed(0)} ms, ` +
        `min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)} (${STEPS} steps); target ≤ ${STEP_TARGET_MS} ms → ` +
        (med <= STEP_TARGET_MS
          ? `${(STEP_TARGET_MS / med).toFixed(1)}× under`
          : `${(med / STEP_TARGET_MS).toFixed(1)}× OVER`),
    );
    const d = await dragTasks(page);
    lines.push(
      `  fast drag with the slices on (60 moves): longest main-thread task ${d.maxTask.toFixed(0)} ms ` +
        `(${d.tasks} tasks ≥ 50 ms, ${d.total.toFixed(0)} ms in all), longest frame gap ${d.maxGap.toFixed(0)} ms; budget ${FRAME_BUDGET_MS} ms per frame`,
    );
    await close();
  } finally {
    await lab.close();
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await benchBrowser()) console.log(line);
}
