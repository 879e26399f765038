// Start a worker thread from a .ts entry (source runs: tsx, vitest) or a bundled .js entry (Electron build), and
// find an entry next to this module in either layout. Shared by the sampler pool and the TensorFlow.js host.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export function isTypeScript(entry: URL): boolean {
  return /\.[cm]?tsx?$/.test(entry.pathname);
}

/**
 * The worker entry `name` (without extension) as this code runs: from source it is `<name>.ts` beside `fromUrl`
 * (pass import.meta.url of the module that owns the entry); inside the Electron build it is out/main/<name>.js
 * next to the main bundle (the code itself may sit in a chunk one level below).
 */
export function workerEntryNear(fromUrl: string, name: string): URL {
  if (isTypeScript(new URL(fromUrl))) return new URL(`./${name}.ts`, fromUrl);
  for (const rel of [`./${name}.js`, `../${name}.js`]) {
    const candidate = new URL(rel, fromUrl);
    if (existsSync(fileURLToPath(candidate))) return candidate;
  }
  return new URL(`./${name}.js`, fromUrl);
}

let tsxApiUrl: string | undefined;
/** file: URL of tsx's ESM API (`tsx/esm/api`, import condition), read from tsx's own exports map. */
function tsxEsmApiUrl(): string {
  if (tsxApiUrl) return tsxApiUrl;
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports?: Record<string, { import?: { default?: string } }>;
  };
  const rel = pkg.exports?.['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
  tsxApiUrl = pathToFileURL(join(dirname(pkgPath), rel)).href;
  return tsxApiUrl;
}

export function toUrl(entry: string | URL): URL {
  if (entry instanceof URL) return entry;
  return /^[a-z][a-z0-9+.-]*:/i.test(entry) && !/^[a-z]:[\\/]/i.test(entry) ? new URL(entry) : pathToFileURL(entry);
}

/**
 * Start a worker. A TypeScript entry needs tsx, and on Node 20 `execArgv: ['--import', 'tsx']` is ignored by
 * worker threads (checked on 20.20), so a tiny bootstrap registers tsx's ESM hooks in the worker and then imports it.
 */
export function spawnWorker(entry: URL, workerData: unknown, name: string): Worker {
  if (!isTypeScript(entry)) return new Worker(entry, { workerData, name });
  const bootstrap =
    `import(${JSON.stringify(tsxEsmApiUrl())})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, name });
}
