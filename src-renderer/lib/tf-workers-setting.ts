// The TF worker-count setting in the status bar: its field rule (1 … the service's max) and the line that says what
// runs. The service checks the count again (lab.setTfWorkers), so a stale max can only give its error, never a bad
// pool.
import type { LabInfo } from '../../src-shared/contract/messages';
import type { FieldRule } from './fields';

export function tfWorkersRule(max: number): FieldRule {
  return { label: 'TF workers', min: 1, max, integer: true, maxReason: '4 × the cores of the engine’s machine' };
}

/**
 * The setting as the status bar shows it, or null when the service has no TF worker setting. `running`: workers the
 * pool spreads cells over once its backend is known (a native or GPU backend runs one whatever the setting).
 */
export function tfWorkersSummary(
  info: LabInfo,
): { setting: number; max: number; running: number | null; text: string; note: string } | null {
  if (!info.tfWorkers) return null;
  const { setting, max } = info.tfWorkers;
  const tf = info.tensorflow;
  const running = tf?.state === 'ready' && tf.workers !== undefined ? tf.workers : null;
  const text =
    running === null || running === setting ? `TF workers: ${setting}` : `TF workers: ${running} of ${setting}`;
  const note =
    running !== null && running < setting
      ? `the ${tf?.backend} backend runs one worker (it uses every core or the GPU itself)`
      : 'sweeps train this many cells at once; results do not depend on the count';
  return { setting, max, running, text, note };
}
