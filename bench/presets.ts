// Paper-figure preset benchmark: the whole Fig. 1 job list (3 widths × 8 σ_w² × 11 depths, N = 10⁴ networks per
// point, exact O(L) sampler) through an in-process LabService with 2 workers, queued exactly as the presets panel
// queues it (PresetRunner, presetConcurrency(2) = 2 jobs in flight). Target: < 30 s wall time. Then the Fig. 7 list
// (off-diagonal, the two-input sampler) against the cost model.
// Run alone: npx tsx bench/presets.ts
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { MeasureResult } from '../src-shared/contract/measure';
import { jobSpecSchema } from '../src-shared/contract/messages';
import { estimatePresetSeconds, expandPreset, presetById } from '../src-shared/presets';
import { reluFiniteMomentsConstant } from '../src-shared/theory';
import { LabService, LabServiceError } from '../src-main/service/lab-service';
import type { LabClient, MeasureHandle } from '../src-renderer/lib/lab-api';
import { PresetRunner, presetConcurrency } from '../src-renderer/lib/preset-runner';
import { JobScheduler } from '../src-renderer/lib/job-scheduler';

const TARGET_SECONDS = 30;
const WORKERS = 2;

/** LabClient over the service in this process (what the transports do, minus the wire). */
function inProcessClient(service: LabService): LabClient {
  return {
    transport: 'in-process',
    info: async () => service.info('in-process'),
    setTfWorkers: async (n) => {
      service.setTfWorkers(n);
      return service.info('in-process');
    },
    measure(params, opts): MeasureHandle {
      const controller = new AbortController();
      const done = service.measure(params, opts?.onProgress, controller.signal);
      done.catch(() => undefined);
      return { done, cancel: () => controller.abort(new LabServiceError('cancelled', 'cancelled')) };
    },
    job(spec, opts) {
      const controller = new AbortController();
      const done = (async () => {
        const job = service.checkJob(jobSpecSchema.parse(spec));
        return service.runJob(job, (o) => opts?.onProgress?.(o), controller.signal);
      })();
      done.catch(() => undefined);
      return {
        done,
        cancel: () => controller.abort(new LabServiceError('cancelled', 'cancelled')),
        pause: async () => false,
      };
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)];
};

/** One preset's job list through the service and the panel's queue: wall seconds, the runner, the finished results. */
async function runPreset(service: LabService, id: string) {
  const { jobs } = expandPreset(presetById(id));
  const t0 = performance.now();
  const runner = await new Promise<PresetRunner>((resolve) => {
    const r = new PresetRunner(
      inProcessClient(service),
      new JobScheduler(),
      jobs,
      (x) => x.status === 'finished' && resolve(x),
      {
        maxConcurrent: presetConcurrency(WORKERS),
      },
    );
    r.start();
  });
  const seconds = (performance.now() - t0) / 1000;
  const results = runner.states.map((s) => s.result).filter((r): r is MeasureResult => r !== undefined && r.done);
  return { jobs, seconds, progress: runner.progress(), results };
}

export async function benchPresets(): Promise<string[]> {
  const service = new LabService({ workers: WORKERS });
  try {
    await service.warmUp();
    const { jobs, seconds, progress: p, results } = await runPreset(service, 'fig1');
    const sampling = results.reduce((s, r) => s + r.seconds, 0);
    // sanity of the numbers, per phase: |measured/Thm 3.2 − 1| (finite width; the figure draws the Thm 3.1 limit)
    const dev = (phase: (s: number) => boolean) =>
      median(
        results
          .filter((r) => phase(r.sigmaW2))
          .map((r) =>
            Math.abs(
              r.dispersion.estimate / reluFiniteMomentsConstant(r.sigmaW2, r.depth, r.width, r.inputDim).dispersion - 1,
            ),
          ),
      );
    const lines = [
      `presets: Fig. 1 job list through LabService (${WORKERS} workers), PresetRunner queue (${presetConcurrency(WORKERS)} jobs in flight, as the panel runs it); load average ${loadavg()[0].toFixed(2)}`,
      `  ${p.jobsDone}/${p.jobsTotal} jobs done (${p.jobsFailed} failed), ${p.networks.toLocaleString('en-US')} networks (N = ${jobs[0].params.samples.toLocaleString('en-US')} per point)`,
      `  total ${seconds.toFixed(1)} s vs target ${TARGET_SECONDS} s → ${seconds <= TARGET_SECONDS ? `${(TARGET_SECONDS / seconds).toFixed(2)}× under target` : `${(seconds / TARGET_SECONDS).toFixed(2)}× OVER target`}`,
      `  throughput ${(p.networks / seconds).toFixed(0)} networks/s (${(p.networks / seconds / WORKERS).toFixed(0)} per worker); Σ per-job wall time ${sampling.toFixed(1)} s`,
      `  cost model (src-shared/network/cost-model.ts MEASURE_COST) predicted ${estimatePresetSeconds(jobs, WORKERS).toFixed(1)} s`,
      `  median |measured / Thm 3.2 − 1|: ordered ${(100 * dev((s) => s < 2)).toFixed(2)} %, EOC ${(100 * dev((s) => s === 2)).toFixed(2)} %, chaotic ${(100 * dev((s) => s > 2)).toFixed(2)} %`,
    ];
    // the off-diagonal figures run the two-input sampler (lazy-pair-fast.ts): no target, the cost model's check
    const f7 = await runPreset(service, 'fig7');
    lines.push(
      `  Fig. 7 (off-diagonal dispersion, two-input exact sampler): ${f7.progress.jobsDone}/${f7.progress.jobsTotal} jobs, ${f7.progress.networks.toLocaleString('en-US')} networks in ${f7.seconds.toFixed(1)} s; cost model predicted ${estimatePresetSeconds(f7.jobs, WORKERS).toFixed(1)} s`,
    );
    return lines;
  } finally {
    await service.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await benchPresets()) console.log(line);
}
