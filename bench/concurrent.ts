// Fair scheduling under many jobs (issue 17, defect 1): 8 measure jobs of N = 10⁶ networks started at once on one
// connection, as the Explore tab does, against the same 8 jobs run one after another. Before the fix 8 jobs took
// ~200 s where one took 0.13 s: partial summaries (O(N) each) were throttled per job, so together they held the main
// thread and the pool's replies waited. The target: total ≈ the sum of the single-job times (the pool is shared, so
// it cannot be less than the work), with few progress messages and a responsive lab.info.
// Run alone: npx tsx bench/concurrent.ts
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { MeasureParamsInput } from '../src-shared/contract/measure';
import type { ServerMessage } from '../src-shared/contract/messages';
import { LabService } from '../src-main/service/lab-service';

const JOBS = 8,
  SAMPLES = 1_000_000;

const paramsOf = (i: number): MeasureParamsInput => ({
  sigmaW2: 2,
  depth: 10 + i,
  width: 100,
  inputDim: 100,
  samples: SAMPLES,
  seed: i + 1,
});

/** Start `jobs` on one in-process connection at once; resolves when all are done, with the messages it got. */
async function runOnConnection(
  service: LabService,
  jobs: MeasureParamsInput[],
): Promise<{ ms: number; progress: number; infoMs: number }> {
  let progress = 0,
    done = 0,
    infoMs = NaN,
    infoAt = 0;
  let finish: () => void = () => undefined;
  let fail: (e: Error) => void = () => undefined;
  const all = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const onMessage = (m: ServerMessage): void => {
    if (m.kind === 'response' && m.id === 'info') infoMs = performance.now() - infoAt;
    else if (m.kind === 'response' && !m.ok) fail(new Error(m.error.message));
    else if (m.kind === 'event' && m.event === 'job.progress') progress++;
    else if (m.kind === 'event' && m.event === 'job.error') fail(new Error(m.error.message));
    else if (m.kind === 'event' && m.event === 'job.done' && ++done === jobs.length) finish();
  };
  const connection = service.connect(onMessage, 'in-process');
  const t0 = performance.now();
  jobs.forEach((params, i) =>
    connection.handle({ kind: 'request', id: `s${i}`, method: 'job.start', job: { kind: 'measure', params } }),
  );
  // how long a request waits while the jobs run (was 5.6 s)
  const infoTimer = setTimeout(() => {
    infoAt = performance.now();
    connection.handle({ kind: 'request', id: 'info', method: 'lab.info' });
  }, 100);
  try {
    await all;
  } finally {
    clearTimeout(infoTimer);
    connection.close();
  }
  return { ms: performance.now() - t0, progress, infoMs };
}

export async function benchConcurrent(): Promise<string[]> {
  const service = new LabService({ detectTensorflowOnConnect: false });
  await service.warmUp();
  const workers = service.info('in-process').workers;
  const lines = [
    `concurrent jobs: ${JOBS} measure jobs of N = ${SAMPLES} (exact diagonal, M = 100, L = 10…${9 + JOBS}) on one connection, ${workers} workers; load average ${loadavg()[0].toFixed(2)}`,
  ];
  try {
    await runOnConnection(service, [{ ...paramsOf(0), samples: 20_000 }]); // JIT warm-up
    let sum = 0,
      singleProgress = 0;
    for (let i = 0; i < JOBS; i++) {
      const r = await runOnConnection(service, [paramsOf(i)]);
      sum += r.ms;
      singleProgress += r.progress;
    }
    const together = await runOnConnection(
      service,
      Array.from({ length: JOBS }, (_, i) => paramsOf(i)),
    );
    lines.push(
      `  one at a time: ${(sum / 1000).toFixed(2)} s in all, ${singleProgress} progress messages`,
      `  all ${JOBS} at once: ${(together.ms / 1000).toFixed(2)} s = ${(together.ms / sum).toFixed(2)}× the sum (target ≈ 1×), ` +
        `${together.progress} progress messages (≤ 20/s: ${Math.ceil((together.ms / 1000) * 20) + JOBS} allowed), ` +
        `lab.info answered in ${together.infoMs.toFixed(0)} ms`,
    );
  } finally {
    await service.close();
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await benchConcurrent()) console.log(line);
}
