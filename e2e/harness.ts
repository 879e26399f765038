// e2e harness: the real web-mode host as a subprocess (its one stdout line gives the URL with the token) and
// Debian's chromium driven by playwright-core. Everything started here is torn down by the returned close().
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const URL_LINE = /^NTK Phase Lab \(web mode\): (http:\/\/\S+)$/m;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const VIEWPORT = { width: 1400, height: 900 } as const;

export interface HostProcess {
  url: string;
  proc: ChildProcess;
  /** What the host wrote to stderr so far (for failure messages). */
  stderr(): string;
  stop(): Promise<void>;
}

/** `node --import tsx src-main/web/serve.ts --port 0` from the repo root; resolves once the URL line is printed. */
async function startHost(timeoutMs = 60_000): Promise<HostProcess> {
  if (!existsSync(`${REPO_ROOT}/out/renderer/index.html`)) {
    throw new Error('out/renderer is missing: run `npm run build` before the e2e specs');
  }
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src-main/web/serve.ts', '--port', '0'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // sweeps write their stores under the data dir: a fresh one per host, never the user's
    env: { ...process.env, FORCE_COLOR: '0', NTK_LAB_DATA_DIR: mkdtempSync(join(tmpdir(), 'ntk-lab-e2e-data-')) },
  });
  let out = '';
  let err = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`the web host printed no URL within ${timeoutMs} ms; stderr:\n${err}`)),
      timeoutMs,
    );
    function fail(e: Error): void {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(e);
    }
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = URL_LINE.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code, signal) =>
      fail(new Error(`the web host exited (code ${code}, signal ${signal}) before printing its URL; stderr:\n${err}`)),
    );
  });

  return {
    url,
    proc,
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no chromium at ${executablePath} (set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export interface Lab {
  host: HostProcess;
  browser: Browser;
  /** Opens a fresh page (own context, downloads accepted) on the lab at 1400 × 900 and waits for the first paint. */
  open(opts?: OpenOptions): Promise<LabPage>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Runs on the new page before it loads the lab, e.g. to watch its WebSocket from the first frame on. */
  beforeLoad?: (page: Page) => void;
}

export interface LabPage {
  page: Page;
  /** Page errors, console errors and CSP violations seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export async function startLab(): Promise<Lab> {
  const host = await startHost();
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await host.stop();
    throw e;
  }
  return {
    host,
    browser,
    async open(opts = {}) {
      const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
      opts.beforeLoad?.(page);
      await page.goto(host.url);
      await waitForPlane(page);
      return { page, problems, close: () => context.close() };
    },
    async close() {
      await browser.close().catch(() => undefined);
      await host.stop();
    },
  };
}

export interface LabSession {
  /** The spec file's host and browser. */
  readonly lab: Lab;
  /** A fresh page on the lab for the current test (see Lab.open); closed after the test. */
  open(opts?: OpenOptions): Promise<Page>;
  /**
   * Drop the current page's problems matching `pattern`, now and until the page closes: ones the test provokes on
   * purpose (a stopped host keeps refusing whatever the page loads later).
   */
  forgive(pattern: RegExp): void;
}

/**
 * One lab per spec file (started before its first test, stopped after its last) and one page per test: the page is
 * closed after its test, which then fails if the page saw any page error, console error or CSP refusal.
 */
export function labPerFile(): LabSession {
  let lab: Lab | undefined;
  let current: LabPage | undefined;
  let forgiven: RegExp[] = [];
  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab?.close();
  });
  afterEach(async () => {
    if (!current) return;
    const page = current;
    const patterns = forgiven;
    current = undefined;
    forgiven = [];
    await page.close();
    const problems = page.problems.filter((p) => !patterns.some((re) => re.test(p)));
    // no page errors, console errors or CSP refusals ("Refused to apply inline style …") in any test
    expect(problems).toEqual([]);
  });
  const session: LabSession = {
    get lab() {
      if (!lab) throw new Error('the lab starts in beforeAll: use it inside a test');
      return lab;
    },
    async open(opts) {
      current = await session.lab.open(opts);
      return current.page;
    },
    forgive(pattern) {
      forgiven.push(pattern);
    },
  };
  return session;
}

/** Fails the test, with the status bar's text, unless the page is connected to the engine. */
export async function requireEngine(page: Page): Promise<void> {
  if ((await page.getByTestId('status-connection').getAttribute('data-state')) !== 'connected') {
    throw new Error(`engine not connected: ${await page.getByTestId('status').textContent()}`);
  }
}

/** Clicks `testid` and returns what it saves: the suggested file name and the bytes. */
export async function download(page: Page, testid: string): Promise<{ name: string; body: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: dl.suggestedFilename(), body: await readFile(await dl.path()) };
}

/** download() of a text file, decoded as UTF-8. */
export async function downloadText(page: Page, testid: string): Promise<{ name: string; body: string }> {
  const { name, body } = await download(page, testid);
  return { name, body: body.toString('utf8') };
}

/** Rows of a CSV, split on every comma (for files whose cells are not quoted). */
export function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
}

/** The plane has been painted and the status bar has settled (connected or offline). */
export async function waitForPlane(page: Page): Promise<void> {
  await page.getByTestId('plane-canvas').waitFor();
  await page.waitForFunction(() => {
    const g = globalThis as unknown as PageGlobals;
    const s = g.document.querySelector('[data-testid="status-connection"]');
    return s !== null && s.getAttribute('data-state') !== 'connecting';
  });
}

/** Where tests write their artefacts (screenshots, reports): `$NTK_LAB_TEST_REPORT_DIR`, else `test-results/`. */
export function testOutputDir(): string {
  const dir = process.env.NTK_LAB_TEST_REPORT_DIR ?? join(REPO_ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Slice points of the default view: 12 on the λ slice and 15 on the σ_w² slice. */
export const DEFAULT_SLICE_POINTS = 27;

/**
 * The default view (M = 200, α₀ = 1, EOC at λ = 0.5, N = 10⁴) as a researcher first sees it: the readout has all
 * 10⁴ samples and both slices have all their measured points. Throws (a failed test, a failed script) on timeout.
 * Shared by the web spec and `npm run screenshot`, so the README picture is the state the spec checks.
 */
export async function waitForMeasuredDefaults(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.waitForFunction(
    (points) => {
      const g = globalThis as unknown as PageGlobals;
      const samples = g.document.querySelector('[data-testid="readout-measured-samples"]');
      return (
        samples?.getAttribute('data-value') === '10000' && g.document.querySelectorAll('.mark.done').length >= points
      );
    },
    DEFAULT_SLICE_POINTS,
    { timeout: timeoutMs, polling: 250 },
  );
}

// ---- minimal typings for code that runs inside the page (this project's node tsconfig has no DOM lib)
export interface PageElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}
export interface PageCanvas extends PageElement {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
export interface PageGlobals {
  document: {
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): ArrayLike<PageElement>;
  };
  DOMParser: new () => {
    parseFromString(
      text: string,
      type: string,
    ): {
      documentElement: { nodeName: string; getAttribute(n: string): string | null };
      querySelector(s: string): PageElement | null;
      querySelectorAll(s: string): ArrayLike<PageElement>;
    };
  };
}
