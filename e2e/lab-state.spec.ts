// Issue 16, "What to build" 1–3 and 5: the lab state in the URL (a second browser opening a copied link sees the
// same lab; an invalid link value is named and not applied), kept across reloads, saved and opened as a lab file,
// reset and undo; dark mode from prefers-color-scheme with a toggle; every control reachable by Tab with a visible
// focus outline.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { readoutNumber } from './checks';
import { download, startLab, VIEWPORT, type Lab } from './harness';
import { decodeHash, defaultValues, encodeHash, LAB_INPUTS } from '../src-renderer/lib/lab-state';

// minimal typings for code run inside the page (the node tsconfig has no DOM lib)
interface El {
  getAttribute(name: string): string | null;
  dataset: Record<string, string | undefined>;
  tagName: string;
  matches(selector: string): boolean;
  closest(selector: string): El | null;
}
interface Win {
  document: { querySelector(s: string): El | null; activeElement: El | null; body: El; documentElement: El };
  location: { hash: string };
  localStorage: { setItem(key: string, value: string): void };
  getComputedStyle(el: El): { backgroundColor: string; fill: string; outlineStyle: string; outlineWidth: string };
}

let lab: Lab;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.close();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  // no page errors, console errors or CSP refusals in any test
  expect(problems.splice(0)).toEqual([]);
});

/** A fresh browser context (own storage) on the lab's URL plus `hash`; waits until the status bar has settled. */
async function openAt(hash = '', opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await lab.browser.newContext({ viewport: VIEWPORT, acceptDownloads: true, ...opts });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(`${lab.host.url}${hash}`);
  await settled(page);
  return page;
}

async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const s = (globalThis as unknown as Win).document.querySelector('[data-testid="status-connection"]');
    return s !== null && s.getAttribute('data-state') !== 'connecting';
  });
}

async function commit(page: Page, testid: string, value: string): Promise<void> {
  await page.getByTestId(testid).fill(value);
  await page.getByTestId(testid).press('Enter');
}

const planeWidth = (page: Page) => page.getByTestId('plane-params').getAttribute('data-width');
const hashOf = (page: Page) => page.evaluate(() => (globalThis as unknown as Win).location.hash);

/** Wait until the debounced hash (and with it the saved state) carries `part`. */
async function hashHas(page: Page, part: string): Promise<void> {
  await expect.poll(() => hashOf(page)).toContain(part);
}

describe('lab state: links, reloads, files, reset and undo (web mode)', () => {
  it('a copied link opens the same lab in a second browser: width, σ_w², tab and plot modes', async () => {
    const page = await openAt();
    await commit(page, 'input-width', '300');
    await commit(page, 'input-sigmaW2', '3.1');
    await page.getByTestId('kind-limit').check({ force: true });
    await page.getByTestId('layer-levels').selectOption('2');
    await page.getByTestId('tab-gd-step').click();
    await page.getByTestId('gd-slices-toggle').uncheck();
    await hashHas(page, 'gdSlices=false');
    // the access token stays in the query, never in the state
    expect(await hashOf(page)).not.toContain('token');
    expect(page.url()).toContain('?token=');

    await page.getByTestId('lab-copy-link').click();
    const link = await page.getByTestId('lab-share-link').inputValue();
    expect(link).not.toContain('token');
    const hash = new URL(link).hash;
    expect(hash).toMatch(/^#v=1&/);

    const other = await openAt(hash);
    expect(await other.getByTestId('tab-gd-step').getAttribute('aria-selected')).toBe('true');
    expect(await other.getByTestId('gd-slices-toggle').isChecked()).toBe(false);
    await other.getByTestId('tab-explore').click();
    expect(await planeWidth(other)).toBe('300');
    expect(await readoutNumber(other, 'sigmaW2')).toBe(3.1);
    expect(await other.getByTestId('plane-params').getAttribute('data-kind')).toBe('limit');
    expect(await other.getByTestId('layer-levels').inputValue()).toBe('2');
    expect(await other.getByTestId('lab-notice').count()).toBe(0);
  });

  it('a link with an invalid or unknown value names it in a notice and keeps the default; valid ones apply', async () => {
    const page = await openAt('#v=1&width=1e12&sigmaW2=3.5&bogus=1&tab=nowhere');
    const notice = page.getByTestId('lab-notice');
    await notice.waitFor();
    const text = await notice.textContent();
    expect(text).toContain('ignored');
    expect(text).toMatch(/width = 1000000000000/);
    expect(text).toContain('unknown setting “bogus”');
    expect(text).toMatch(/tab = "nowhere"/);
    expect(await page.getByTestId('tab-explore').getAttribute('aria-selected')).toBe('true');
    expect(await planeWidth(page)).toBe('200');
    expect(await readoutNumber(page, 'sigmaW2')).toBe(3.5);
    await page.getByTestId('lab-notice-dismiss').click();
    expect(await notice.count()).toBe(0);
  });

  it('a link restores inputs of the other tabs too (text fields, records, a lazily opened tab)', async () => {
    const collapse = { ...LAB_INPUTS.collapse.default, classes: 3 };
    const fc = { ...LAB_INPUTS.fc.default, beta: 0.25 };
    const v = { ...defaultValues(), tab: 'kernel-shaping' as const, ksZeta: '2.5', trainSigmas: '1, 3', swWidth: 64 };
    const page = await openAt(`#${encodeHash({ ...v, collapse, fc, ksPlanes: false })}`);
    await expect.poll(() => page.getByTestId('ks-input-zeta').inputValue()).toBe('2.5');
    expect(await page.getByTestId('ks-on-planes').isChecked()).toBe(false);
    await page.getByTestId('tab-train').click();
    expect(await page.getByTestId('train-input-sigmas').inputValue()).toBe('1, 3');
    await page.getByTestId('tab-trainability').click();
    expect(await page.getByTestId('tr-width').inputValue()).toBe('64');
    await page.getByTestId('tab-collapse').click();
    expect(await page.getByTestId('collapse-classes').inputValue()).toBe('3');
    await page.getByTestId('tab-freeze-chaos').click();
    expect(Number(await page.getByTestId('fc-beta').inputValue())).toBe(0.25);
    expect(await page.getByTestId('lab-notice').count()).toBe(0);
  });

  it('a link restores the trust map grid and the collapse-train settings; edits there reach the link', async () => {
    const ctrain = { ...LAB_INPUTS.ctrain.default, epochs: 12, recordEvery: 3, lr: 0.05, seed: 7 };
    const trust = { tmSigmas: '0.5, 4', tmDepths: '3, 9', tmWidths: '64, 96', tmSteps: '5, 50', tmLr: '2e-5' };
    const page = await openAt(`#${encodeHash({ ...defaultValues(), tab: 'trust', ...trust, ctrain })}`);
    expect(await page.getByTestId('tab-trust').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.getByTestId('trust-sigma').inputValue()).toBe('0.5, 4');
    expect(await page.getByTestId('trust-depth').inputValue()).toBe('3, 9');
    expect(await page.getByTestId('trust-width').inputValue()).toBe('64, 96');
    expect(await page.getByTestId('trust-steps').inputValue()).toBe('5, 50');
    expect(await page.getByTestId('trust-lr').inputValue()).toBe('2e-5');
    await page.getByTestId('tab-collapse').click();
    expect(await page.getByTestId('collapse-train-epochs').inputValue()).toBe('12');
    expect(await page.getByTestId('collapse-train-recordEvery').inputValue()).toBe('3');
    expect(Number(await page.getByTestId('collapse-train-lr').inputValue())).toBe(0.05);
    expect(await page.getByTestId('collapse-train-seed').inputValue()).toBe('7');
    expect(await page.getByTestId('lab-notice').count()).toBe(0);

    // typing there is recorded: the link follows
    await commit(page, 'collapse-train-epochs', '20');
    await page.getByTestId('tab-trust').click();
    await page.getByTestId('trust-lr').fill('3e-5');
    await expect.poll(async () => decodeHash(await hashOf(page)).values.tmLr).toBe('3e-5');
    expect(decodeHash(await hashOf(page)).values.ctrain).toEqual({ ...ctrain, epochs: 20 });
  });

  it('a reload keeps the state; corrupt saved state is ignored with a notice', async () => {
    const page = await openAt();
    await commit(page, 'input-width', '320');
    await page.getByTestId('tab-trainability').click();
    await hashHas(page, 'width=320');
    // a reload of the plain address (no hash): the saved state, not the link, restores the lab
    await page.goto(lab.host.url);
    await settled(page);
    expect(await page.getByTestId('tab-trainability').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('tab-explore').click();
    expect(await planeWidth(page)).toBe('320');

    // a fresh browser whose stored state is corrupt: written by an init script, before the reloaded page's own code
    // runs (set from the old page, a save still pending there was flushed on pagehide over the corrupt text)
    const fresh = await openAt();
    await fresh
      .context()
      .addInitScript(() =>
        (globalThis as unknown as Win).localStorage.setItem('ntk-phase-lab/state', '{"format":"ntk-phase-lab", oops'),
      );
    await fresh.reload();
    await settled(fresh);
    const notice = fresh.getByTestId('lab-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('could not be read');
    expect(await planeWidth(fresh)).toBe('200');
  });

  it('Save lab… writes a file that Open lab… restores in a fresh browser', async () => {
    const page = await openAt();
    await commit(page, 'input-width', '280');
    await commit(page, 'input-alpha0', '2');
    await page.getByTestId('kind-limit').check({ force: true });
    await hashHas(page, 'theory=limit');
    const file = await download(page, 'lab-save');
    expect(file.name).toMatch(/^ntk-lab-\d{8}-\d{4}\.json$/);
    const saved = JSON.parse(file.body.toString('utf8')) as { format: string; version: number; inputs: object };
    expect(saved).toMatchObject({ format: 'ntk-phase-lab', version: 1 });
    expect(saved.inputs).toEqual({ width: 280, alpha0: 2, theory: 'limit' });

    const other = await openAt();
    expect(await planeWidth(other)).toBe('200');
    await other.getByTestId('lab-open-file').setInputFiles({
      name: 'colleague.json',
      mimeType: 'application/json',
      buffer: file.body,
    });
    await expect.poll(() => planeWidth(other)).toBe('280');
    expect(await other.getByTestId('plane-params').getAttribute('data-alpha0')).toBe('2');
    expect(await other.getByTestId('plane-params').getAttribute('data-kind')).toBe('limit');
    expect(await other.getByTestId('lab-notice').textContent()).toContain('Opened colleague.json');

    // a file that is not a lab changes nothing and says so
    await other.getByTestId('lab-open-file').setInputFiles({
      name: 'other.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"hello": 1}'),
    });
    await expect.poll(() => other.getByTestId('lab-notice').textContent()).toContain('other.json was not opened');
    expect(await planeWidth(other)).toBe('280');
  });

  it('a finished Paper figure survives a reload and travels in the lab file (no recomputing)', async () => {
    const page = await openAt();
    await page.getByTestId('tab-figures').click();
    await page.getByTestId('preset-fig2').check();
    await commit(page, 'preset-samples', '50');
    await commit(page, 'preset-depths', '2');
    await expect.poll(() => page.getByTestId('preset-cost').getAttribute('data-jobs')).toBe('30');
    await page.getByTestId('preset-run').click();
    const status = () => page.getByTestId('preset-progress').getAttribute('data-status');
    await expect.poll(status, { timeout: 60_000 }).toBe('finished');
    const points = (p: Page) => p.getByTestId('preset-figure').locator('.mark.done .pt').count();
    expect(await points(page)).toBe(30);
    const file = await download(page, 'lab-save');
    const saved = JSON.parse(file.body.toString('utf8')) as { results: { figures: { fig2: { results: unknown[] } } } };
    expect(saved.results.figures.fig2.results).toHaveLength(30);

    await page.reload();
    await settled(page);
    expect(await page.getByTestId('tab-figures').getAttribute('aria-selected')).toBe('true');
    expect(await status()).toBe('finished');
    expect(await points(page)).toBe(30);

    const other = await openAt();
    await other.getByTestId('lab-open-file').setInputFiles({
      name: 'figure.json',
      mimeType: 'application/json',
      buffer: file.body,
    });
    await expect.poll(() => other.getByTestId('tab-figures').getAttribute('aria-selected')).toBe('true');
    expect(await other.getByTestId('preset-progress').getAttribute('data-status')).toBe('finished');
    expect(await points(other)).toBe(30);
  });

  it('Reset to defaults, Undo and Ctrl+Z outside text fields', async () => {
    const page = await openAt();
    expect(await page.getByTestId('lab-undo').isDisabled()).toBe(true);
    await commit(page, 'input-width', '350');
    await expect.poll(() => planeWidth(page)).toBe('350');
    await page.getByTestId('lab-reset').click();
    await expect.poll(() => planeWidth(page)).toBe('200');
    await page.getByTestId('lab-undo').click();
    await expect.poll(() => planeWidth(page)).toBe('350');
    // Ctrl+Z with the focus on a button (not a text field) undoes the width change itself
    await page.getByTestId('tab-explore').focus();
    await page.keyboard.press('Control+z');
    await expect.poll(() => planeWidth(page)).toBe('200');
    await expect.poll(() => hashOf(page)).not.toContain('width=');
  });
});

describe('dark mode (web mode)', () => {
  const bodyBg = (page: Page) =>
    page.evaluate(() => {
      const w = globalThis as unknown as Win;
      return w.getComputedStyle(w.document.body).backgroundColor;
    });
  const cardBg = (page: Page) =>
    page.evaluate(() => {
      const w = globalThis as unknown as Win;
      return w.getComputedStyle(w.document.querySelector('.plot-card')!).backgroundColor;
    });
  const luminance = (rgb: string) => {
    const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };

  it('follows prefers-color-scheme, and the toggle overrides it (kept across reloads)', async () => {
    const page = await openAt('', { colorScheme: 'dark' });
    expect(await page.evaluate(() => (globalThis as unknown as Win).document.documentElement.dataset.theme)).toBe(
      'dark',
    );
    expect(luminance(await bodyBg(page))).toBeLessThan(40);
    expect(luminance(await cardBg(page))).toBeLessThan(50);
    // plot text reads the theme's ink: light on the dark card
    const tickFill = await page.evaluate(() => {
      const w = globalThis as unknown as Win;
      return w.getComputedStyle(w.document.querySelector('svg .tick text')!).fill;
    });
    expect(luminance(tickFill)).toBeGreaterThan(140);
    // the slice legend's box is the dark card, not a white patch under light text
    const legendFill = await page.evaluate(() => {
      const w = globalThis as unknown as Win;
      return w.getComputedStyle(w.document.querySelector('svg .legend-bg')!).fill;
    });
    expect(luminance(legendFill)).toBeLessThan(50);

    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(async () => luminance(await bodyBg(page))).toBeGreaterThan(220);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(async () => luminance(await bodyBg(page))).toBeLessThan(40);

    await page.getByTestId('lab-theme').selectOption('light');
    await expect.poll(async () => luminance(await bodyBg(page))).toBeGreaterThan(220);
    await page.reload();
    await settled(page);
    expect(luminance(await bodyBg(page))).toBeGreaterThan(220);
    await page.getByTestId('lab-theme').selectOption('system');
    await expect.poll(async () => luminance(await bodyBg(page))).toBeLessThan(40);
  });

  it('an SVG exported in dark mode uses the light palette', async () => {
    const page = await openAt('', { colorScheme: 'dark' });
    const file = await download(page, 'export-slice-lambda-svg');
    const svg = file.body.toString('utf8');
    const fills = [...svg.matchAll(/<text[^>]*\sfill="([^"]+)"/g)].map((m) => m[1]);
    expect(fills.length).toBeGreaterThan(3);
    for (const f of fills) expect(luminance(f), f).toBeLessThan(140);
    // and the page is still dark afterwards
    expect(luminance(await bodyBg(page))).toBeLessThan(40);
  });
});

describe('keyboard (web mode)', () => {
  it('Tab reaches the header, the lab bar and the Explore controls, each with a visible focus outline', async () => {
    const page = await openAt();
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const w = globalThis as unknown as Win;
        const el = w.document.activeElement;
        if (!el || el === w.document.body) return null;
        // a visually hidden radio shows its focus on its label
        const shown = el.matches('.segmented input') ? el.closest('label')! : el;
        const cs = w.getComputedStyle(shown);
        return {
          id: el.dataset.testid ?? el.getAttribute('aria-label') ?? el.tagName,
          tag: el.tagName,
          focusVisible: el.matches(':focus-visible'),
          outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1,
        };
      });
      if (!f) continue;
      seen.add(f.id);
      expect(f.focusVisible, f.id).toBe(true);
      expect(f.outline, `focus outline on ${f.id}`).toBe(true);
    }
    for (const id of [
      'tab-explore',
      'tab-gd-step',
      'lab-copy-link',
      'lab-reset',
      'lab-theme',
      'input-width',
      'plane',
    ]) {
      expect([...seen], id).toContain(id);
    }
  });

  it('the Trainability plane takes focus and its cursor moves with the arrow keys', async () => {
    const page = await openAt('#v=1&tab=trainability');
    const plane = page.getByTestId('tplane');
    await plane.focus();
    const before = Number(await plane.getAttribute('aria-valuenow'));
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number(await plane.getAttribute('aria-valuenow'))).toBeGreaterThan(before);
    // the σ_w² it moved is the shared cursor's: it reaches the link
    await hashHas(page, 'sigmaW2=');
  });
});
