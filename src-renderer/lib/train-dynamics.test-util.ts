// Shared by the Training dynamics tests: records, job outputs and a tiny contract-valid run.
import type { TrainDynamicsRecord } from '../../src-shared/contract/train-dynamics';
import type { JobOutput } from '../../src-shared/contract/messages';
import { CPU_DEFAULT } from './train-dynamics-view';

export const record = (step: number, over: Partial<TrainDynamicsRecord> = {}): TrainDynamicsRecord => ({
  step,
  epoch: step / 10,
  trainLoss: 0.5 / (1 + step),
  testLoss: 0.6 / (1 + step),
  trainAccuracy: 0.1 + step / 1000,
  testAccuracy: 0.1 + step / 2000,
  thetaD: 30,
  thetaC: 12 + step / 100,
  thetaN: 9,
  diverged: false,
  seconds: 1 + step,
  ...over,
});
export const diverged = (step: number): TrainDynamicsRecord =>
  record(step, {
    trainLoss: null,
    testLoss: null,
    trainAccuracy: null,
    testAccuracy: null,
    thetaD: null,
    thetaC: null,
    thetaN: null,
    diverged: true,
  });
export const progress = (r: TrainDynamicsRecord): JobOutput => ({ kind: 'train-dynamics', backend: 'wasm', record: r });
export const summary = (records: number): JobOutput => ({
  kind: 'train-dynamics',
  backend: 'wasm',
  summary: { records, stoppedEarly: false },
});

export const tiny = {
  ...CPU_DEFAULT,
  sigmas: [1, 2, 2.2],
  depth: 3,
  width: 16,
  steps: 6,
  recordAt: [0, 3, 6],
  trainSize: 200,
  testSize: 100,
  batchSize: 50,
};
