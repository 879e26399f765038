import { describe, expect, it } from 'vitest';
import type { JobOutput } from '../../src-shared/contract/messages';
import { labError, scriptedLab } from './fake-lab.test-util';
import { PROBE_PARAMS } from './paper-offer';
import { measureFig4Step } from './paper-offer-probe';

const record = (step: number, seconds: number) =>
  ({ kind: 'train-dynamics', backend: 'tfjs webgpu', record: { step, seconds } }) as unknown as JobOutput;

describe('measureFig4Step', () => {
  it('runs one Fig. 4-size probe per device and takes the step from its records', async () => {
    const s = scriptedLab();
    const a = measureFig4Step(s.lab, 'GPU A');
    expect(measureFig4Step(s.lab, 'GPU A')).toBe(a); // memoized: both training tabs share one probe
    expect(s.specJobs).toHaveLength(1);
    expect(s.specJobs[0].spec).toEqual({ kind: 'train-dynamics', params: PROBE_PARAMS });
    expect(PROBE_PARAMS).toMatchObject({ depth: 20, width: 300, batchSize: 9000, steps: 6, recordAt: [0, 1, 6] });
    const job = s.specJobs[0];
    job.progress(record(0, 2));
    job.progress(record(1, 4.1));
    job.progress(record(6, 6.6));
    job.resolve({ kind: 'train-dynamics', backend: 'tfjs webgpu' } as unknown as JobOutput);
    expect(await a).toBeCloseTo(0.1, 12);
  });

  it('a failed probe rejects with the lab’s reason and is not retried for that device', async () => {
    const s = scriptedLab();
    const p = measureFig4Step(s.lab, 'GPU B');
    s.specJobs[0].reject(labError('failed', 'device lost'));
    await expect(p).rejects.toThrow(/the step probe failed: device lost/);
    await expect(measureFig4Step(s.lab, 'GPU B')).rejects.toThrow(/device lost/);
    expect(s.specJobs).toHaveLength(1);
  });
});
