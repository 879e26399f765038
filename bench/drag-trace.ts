// A fast drag across Explore's plane under the Chrome DevTools protocol (issue 16, drag hitches): the renderer main
// thread's tasks and animation frames from a devtools timeline trace, and, for profiling, what fills them.
//  - bench/browser.ts reports the distribution of task durations and of the main-thread work per frame; the harness's
//    own tasks (the driver's DevTools commands, the tracer's resets) are told apart and left out, and counted;
//  - run alone it prints the busiest frames and longest tasks with the events that filled them (self thread time per
//    function, layout, style, paint, GC …) and the drag's hottest JavaScript from a CPU profile: where to look when a
//    frame goes over budget. For readable function names build the renderer unminified first:
//      npx electron-vite build -c electron.vite.prof.config.ts && npx tsx bench/drag-trace.ts
//    (`npm run build` afterwards restores the normal build).
import { pathToFileURL } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { startLab } from '../e2e/harness';
import { PLANE } from '../src-renderer/lib/plane';

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  id?: string;
  id2?: { local?: string; global?: string };
  args?: { name?: string; data?: Record<string, unknown>; src_func?: string };
}

export interface MainTask {
  /** Start, ms on the trace clock. */
  ts: number;
  /** Wall time, ms. */
  wall: number;
  /** Thread (CPU) time, ms: what the page itself spent, hardly inflated by other processes' load. */
  cpu: number;
  /** Self time per event label inside the task, largest first: thread time where traced, else wall; ms. */
  parts: [string, number][];
  /**
   * The measuring harness's own work, not the page's: a DevTools protocol command of the test driver (Playwright's
   * evaluate calls that wait for frames) or the tracer's periodic state reset. A user's drag has neither.
   */
  harness: boolean;
}

// ThreadControllerImpl::RunTask ('toplevel') wraps every task; it names the code that posted it (src_func).
const TOPLEVEL = 'ThreadControllerImpl::RunTask';
const isHarness = (e: TraceEvent): boolean =>
  e.name === 'DevToolsSession::DispatchProtocolCommand' ||
  (e.name === TOPLEVEL && e.args?.src_func === 'WillClearIncrementalState');

const label = (e: TraceEvent): string => {
  // work no other event covers is named by the code that posted the task (e.g. the Blink GC's sweeper)
  if (e.name === TOPLEVEL) {
    const posted = /(\w+::)?(\w+)\s*\(/.exec(e.args?.src_func ?? '') ?? /(\w+)$/.exec(e.args?.src_func ?? '');
    return posted ? `RunTask ${posted[0].replace(/\s*\($/, '')}` : 'RunTask';
  }
  const d = e.args?.data ?? {};
  const fn = typeof d.functionName === 'string' && d.functionName ? d.functionName : '';
  const url = typeof d.url === 'string' ? (d.url.split('/').pop() ?? '') : '';
  const where = fn || (url ? `${url}:${String(d.lineNumber ?? '')}` : '');
  const type = typeof d.type === 'string' ? d.type : '';
  return [e.name, where || type].filter(Boolean).join(' ');
};

/** The renderer main thread's top-level tasks in a trace, in time order. */
export function mainThreadTasks(events: readonly TraceEvent[]): MainTask[] {
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}/${e.tid}`),
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}/${e.tid}`;
    if (e.ph !== 'X' || !mains.has(key)) continue;
    const list = byThread.get(key) ?? [];
    list.push(e);
    byThread.set(key, list);
  }
  // the lab's page is the main thread with the most tasks (about:blank and others have few)
  const count = (l: TraceEvent[]) => l.filter((e) => e.name === 'RunTask').length;
  const own = [...byThread.values()].sort((a, b) => count(b) - count(a))[0] ?? [];
  own.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const tasks: MainTask[] = [];
  // a stack walk over the nested complete events gives each event its self time
  let i = 0;
  while (i < own.length) {
    const top = own[i];
    if (top.name !== 'RunTask' && top.name !== TOPLEVEL) {
      i++;
      continue;
    }
    const end = top.ts + (top.dur ?? 0);
    const self = new Map<string, number>();
    const stack: { e: TraceEvent; end: number; child: number }[] = [];
    let harness = false;
    // thread time where the trace has it: the page's own work, not the time another process held the core
    const spent = (e: TraceEvent) => e.tdur ?? e.dur ?? 0;
    const pop = (until: number) => {
      while (stack.length && stack[stack.length - 1].end <= until) {
        const s = stack.pop()!;
        const k = label(s.e);
        self.set(k, (self.get(k) ?? 0) + Math.max(0, spent(s.e) - s.child) / 1000);
        if (stack.length) stack[stack.length - 1].child += spent(s.e);
      }
    };
    for (; i < own.length && own[i].ts < end; i++) {
      harness ||= isHarness(own[i]);
      pop(own[i].ts);
      stack.push({ e: own[i], end: own[i].ts + (own[i].dur ?? 0), child: 0 });
    }
    pop(Number.POSITIVE_INFINITY);
    tasks.push({
      ts: top.ts / 1000,
      wall: (top.dur ?? 0) / 1000,
      cpu: (top.tdur ?? top.dur ?? 0) / 1000,
      parts: [...self].filter(([, ms]) => ms >= 0.05).sort((a, b) => b[1] - a[1]),
      harness,
    });
  }
  return tasks;
}

export interface FrameWork {
  /** Start, ms on the trace clock. */
  from: number;
  /** The frame's span, wall ms. */
  wall: number;
  /** Thread time of the main-thread tasks that began in it, ms: the frame's main-thread work. */
  cpu: number;
  /** Of `cpu`, the garbage collectors' own steps (Blink's sweeper, V8's marking and compaction), ms. */
  collector: number;
}

/**
 * Collector steps by trace label: V8's (V8.GC_*, including the embedder tracing that marks Blink's heap) and
 * Blink's sweeper, which runs as its own posted task (mainThreadTasks names it by the code that posted it).
 */
const COLLECTOR = /^V8\.GC_|^RunTask IncrementalSweepTask|^BlinkGC\.|^CppGC\./;

/** Chrome's AnimationFrame spans on the lab page's main thread, with the thread time of the tasks inside each. */
export function animationFrames(events: readonly TraceEvent[], tasks: readonly MainTask[]): FrameWork[] {
  const begins = new Map<string, number>();
  const spans: [number, number][] = [];
  const idOf = (e: TraceEvent) => e.id ?? e.id2?.local ?? e.id2?.global ?? '';
  for (const e of events) {
    if (e.name !== 'AnimationFrame') continue;
    if (e.ph === 'b') begins.set(`${e.pid}/${idOf(e)}`, e.ts);
    if (e.ph === 'e') {
      const b = begins.get(`${e.pid}/${idOf(e)}`);
      if (b !== undefined) spans.push([b / 1000, e.ts / 1000]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  return spans.map(([from, to]) => {
    const inFrame = tasks.filter((t) => t.ts >= from && t.ts < to);
    return {
      from,
      wall: to - from,
      cpu: inFrame.reduce((a, t) => a + t.cpu, 0),
      collector: inFrame.reduce(
        (a, t) => a + t.parts.reduce((b, [label, ms]) => b + (COLLECTOR.test(label) ? ms : 0), 0),
        0,
      ),
    };
  });
}

type RafWin = typeof globalThis & { requestAnimationFrame(f: (t: number) => void): void };

export const DRAG_MOVES = 60;

/** A fast drag on the plane: DRAG_MOVES pointer moves from (σ_w² = 1, λ = 0.2) to (3.5, 1.2), one per frame. */
export async function fastDrag(page: Page, moves = DRAG_MOVES): Promise<void> {
  const box = await page.getByTestId('plane-canvas').boundingBox();
  if (!box) throw new Error('the plane canvas is not visible');
  const at = (sigmaW2: number, lambda: number) => ({
    x: box.x + ((sigmaW2 - PLANE.sigmaW2.min) / (PLANE.sigmaW2.max - PLANE.sigmaW2.min)) * box.width,
    y: box.y + (1 - (lambda - PLANE.depthToWidth.min) / (PLANE.depthToWidth.max - PLANE.depthToWidth.min)) * box.height,
  });
  const a = at(1, 0.2),
    b = at(3.5, 1.2);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let k = 1; k <= moves; k++) {
    const s = k / moves;
    await page.mouse.move(a.x + (b.x - a.x) * s, a.y + (b.y - a.y) * s);
    await page.evaluate(() => new Promise((r) => (globalThis as RafWin).requestAnimationFrame(() => r(null))));
  }
  await page.mouse.up();
}

export interface TracedRun {
  /** The page's main-thread tasks from the mark before `work` to the mark after it and its settling. */
  tasks: MainTask[];
  /** The harness's own main-thread tasks in that window (MainTask.harness), left out of `tasks` and `frames`. */
  harness: MainTask[];
  /** Each animation frame in that window (Chrome's AnimationFrame span: its first task until its rendering ends). */
  frames: FrameWork[];
  /** The longest time between two animation frames meanwhile, ms (how long the crosshair could lag). */
  maxFrameGap: number;
  /**
   * The page's layouts meanwhile: how many, how many started from a relayout boundary (a size-contained box) rather
   * than the document, and their thread time, ms.
   */
  layouts: { count: number; partial: number; ms: number };
  profile?: CpuProfile;
}

type MarkWin = typeof globalThis & {
  console: { timeStamp(label: string): void };
  requestAnimationFrame(f: (t: number) => void): number;
  __gaps?: { max: number; last: number; on: boolean };
};

/**
 * Runs `work` under a devtools timeline trace (and a CPU profile when asked): the renderer main thread's tasks from
 * just before `work` until `settleMs` after it (trailing work such as the slices' last redraw counts too).
 */
export async function traced(
  page: Page,
  work: () => Promise<void>,
  opts: { cpuProfile?: boolean; settleMs?: number } = {},
): Promise<TracedRun> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  // devtools and toplevel: to tell the harness's own tasks (MainTask.harness) from the page's
  const categories = ['disabled-by-default-devtools.timeline', 'devtools.timeline', 'devtools', 'toplevel'];
  await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: categories } });
  if (opts.cpuProfile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  // starting the trace and the profiler runs on the main thread: the window opens after it (console.timeStamp)
  await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
  await page.evaluate(() => {
    const w = globalThis as MarkWin;
    const gaps = { max: 0, last: performance.now(), on: true };
    w.__gaps = gaps;
    const frame = (t: number): void => {
      gaps.max = Math.max(gaps.max, t - gaps.last);
      gaps.last = t;
      if (gaps.on) w.requestAnimationFrame(frame);
    };
    w.requestAnimationFrame(frame);
    w.console.timeStamp('bench-start');
  });
  await work();
  const settleMs = opts.settleMs ?? 400;
  const maxFrameGap = await page.evaluate(async (ms) => {
    const w = globalThis as MarkWin;
    await new Promise((r) => setTimeout(r, ms));
    w.console.timeStamp('bench-end');
    if (w.__gaps) w.__gaps.on = false;
    return w.__gaps?.max ?? 0;
  }, settleMs);
  const profile = opts.cpuProfile ? ((await cdp.send('Profiler.stop')).profile as unknown as CpuProfile) : undefined;
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const mark = (m: string) => events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === m)?.ts;
  const from = mark('bench-start'),
    to = mark('bench-end');
  if (from === undefined || to === undefined) throw new Error('the trace lacks the bench window marks');
  const all = mainThreadTasks(events).filter((t) => t.ts * 1000 >= from && t.ts * 1000 <= to);
  const tasks = all.filter((t) => !t.harness);
  const inWindow = events.filter((e) => e.ts >= from && e.ts <= to);
  return {
    tasks,
    harness: all.filter((t) => t.harness),
    frames: animationFrames(inWindow, tasks),
    maxFrameGap,
    layouts: layoutSummary(inWindow),
    profile,
  };
}

function layoutSummary(events: readonly TraceEvent[]): TracedRun['layouts'] {
  const layouts = events.filter((e) => e.name === 'Layout' && e.ph === 'X');
  return {
    count: layouts.length,
    partial: layouts.filter((e) => (e.args as { beginData?: { partialLayout?: boolean } })?.beginData?.partialLayout)
      .length,
    ms: layouts.reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0) / 1000, 0),
  };
}

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) per function in a CPU profile, largest first. */
export function hotFunctions(p: CpuProfile): [string, number][] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  p.samples.forEach((id, k) => {
    const f = byId.get(id)?.callFrame;
    if (!f) return;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + (p.timeDeltas[k + 1] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

/** Inclusive time (ms) per function in a CPU profile: every sample counts once for each function on its stack. */
export function inclusiveFunctions(p: CpuProfile): [string, number][] {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const total = new Map<string, number>();
  p.samples.forEach((id, k) => {
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)?.callFrame;
      if (!f || !f.url) continue;
      const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + (p.timeDeltas[k + 1] ?? 0) / 1000);
    }
  });
  return [...total].sort((a, b) => b[1] - a[1]);
}

/** Waits for the readout's first measured value (the engine's pool is warm after it). */
export async function firstMeasurement(page: Page): Promise<void> {
  await page
    .getByTestId('readout-measured-dispersion')
    .and(page.locator('[data-value]:not([data-value=""])'))
    .waitFor({ timeout: 60_000 });
}

async function main(): Promise<void> {
  const lab = await startLab();
  try {
    const { page, close } = await lab.open();
    await page.evaluate('globalThis.__name = (f) => f');
    await firstMeasurement(page);
    const { tasks, frames, profile } = await traced(page, () => fastDrag(page), { cpuProfile: true });
    const busiest = [...frames].sort((a, b) => b.cpu - a.cpu).slice(0, 5);
    console.log(`${frames.length} frames; the busiest by main-thread work:`);
    for (const f of busiest) {
      const inside = tasks.filter((t) => t.ts >= f.from && t.ts < f.from + f.wall && t.cpu >= 0.5);
      const what = inside
        .map(
          (t) =>
            `${t.cpu.toFixed(1)} [${t.parts
              .slice(0, 4)
              .map(([k, ms]) => `${k} ${ms.toFixed(1)}`)
              .join(' | ')}]`,
        )
        .join('\n      ');
      console.log(`  ${f.cpu.toFixed(1)} ms in ${f.wall.toFixed(0)} ms:\n      ${what}`);
    }
    const worst = [...tasks].sort((a, b) => b.cpu - a.cpu).slice(0, 12);
    console.log(`${tasks.length} main-thread tasks; the longest by thread time:`);
    for (const t of worst) {
      const parts = t.parts
        .slice(0, 8)
        .map(([k, ms]) => `${k} ${ms.toFixed(1)}`)
        .join(' | ');
      console.log(`  ${t.cpu.toFixed(1)} ms CPU (${t.wall.toFixed(1)} wall): ${parts}`);
    }
    const total = new Map<string, number>();
    for (const t of tasks) for (const [k, ms] of t.parts) total.set(k, (total.get(k) ?? 0) + ms);
    console.log('self time over the whole drag, by event:');
    for (const [k, ms] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${ms.toFixed(1)} ${k}`);
    if (profile) {
      console.log('hottest JavaScript (CPU profile, self ms):');
      for (const [k, ms] of hotFunctions(profile).slice(0, 30)) console.log(`  ${ms.toFixed(1)} ${k}`);
      console.log('JavaScript by inclusive time (CPU profile, ms):');
      for (const [k, ms] of inclusiveFunctions(profile).slice(0, 60)) console.log(`  ${ms.toFixed(1)} ${k}`);
    }
    await close();
  } finally {
    await lab.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
