// The paper-size offer's measured step: one short train-dynamics job at Fig. 4's size (PROBE_PARAMS) on the active
// backend, once per lab client and device; its records give one step's seconds (stepSecondsFromProbe).
import type { LabClient } from './lab-api';
import { errorMessage } from './lab-jobs';
import { PROBE_PARAMS, stepSecondsFromProbe } from './paper-offer';

const measured = new WeakMap<LabClient, Map<string, Promise<number>>>();

/** Seconds per Fig. 4 step on `device` (memoized, failures too: a failed probe is not retried in a loop). */
export function measureFig4Step(lab: LabClient, device: string): Promise<number> {
  let byDevice = measured.get(lab);
  if (!byDevice) measured.set(lab, (byDevice = new Map()));
  let probe = byDevice.get(device);
  if (!probe) {
    probe = new Promise<number>((resolve, reject) => {
      const records: { step: number; seconds: number }[] = [];
      const handle = lab.job(
        { kind: 'train-dynamics', params: PROBE_PARAMS },
        {
          channel: 'paper-offer-probe',
          onProgress: (o) => {
            if (o.kind === 'train-dynamics' && o.record) records.push(o.record);
          },
        },
      );
      handle.done.then(
        () => {
          const s = stepSecondsFromProbe(records);
          if (s === null) reject(new Error('the measured step was lost in timer noise'));
          else resolve(s);
        },
        (err: unknown) => reject(new Error(`the step probe failed: ${errorMessage(err)}`)),
      );
    });
    probe.catch(() => undefined);
    byDevice.set(device, probe);
  }
  return probe;
}
