// e2e harness: the real web-mode host as a subprocess (its one stdout line gives the URL with the token) and
// Debian's chromium driven by playwright-core. Everything started here is torn down by the returned close().
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const URL_LINE = /^NTK Phase Lab \(web mode\): (http:\/\/\S+)$/m;

export const CHROMIUM_ARGS = [
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
export async function startHost(timeoutMs = 60_000): Promise<HostProcess> {
  if (!existsSync(`${REPO_ROOT}/out/renderer/index.html`)) {
    throw new Error('out/renderer is missing: run `npm run build` before the e2e specs');
  }
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src-main/web/serve.ts', '--port', '0'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let out = '';
  let err = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the web host printed no URL within ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
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
    proc.once('exit', (code, signal) => fail(new Error(`the web host exited (code ${code}, signal ${signal}) before printing its URL; stderr:\n${err}`)));
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

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no chromium at ${executablePath} (set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export interface Lab {
  host: HostProcess;
  browser: Browser;
  /** Opens a fresh page (own context, downloads accepted) on the lab at 1400 × 900 and waits for the first paint. */
  open(): Promise<LabPage>;
  close(): Promise<void>;
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
    async open() {
      const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
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

/** The plane has been painted and the status bar has settled (connected or offline). */
export async function waitForPlane(page: Page): Promise<void> {
  await page.getByTestId('plane-canvas').waitFor();
  await page.waitForFunction(() => {
    const g = globalThis as unknown as PageGlobals;
    const s = g.document.querySelector('[data-testid="status-connection"]');
    return s !== null && s.getAttribute('data-state') !== 'connecting';
  });
}

// ---- minimal typings for code that runs inside the page (this project's node tsconfig has no DOM lib)
export interface PageElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}
export interface PageCanvas extends PageElement {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
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
    ): { documentElement: { nodeName: string; getAttribute(n: string): string | null }; querySelector(s: string): PageElement | null; querySelectorAll(s: string): ArrayLike<PageElement> };
  };
}
