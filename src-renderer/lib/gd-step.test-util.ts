// Shared by the First GD step tests: a network, finished points and a CSV reader.
import type { GdStepResult } from '../../src-shared/contract/gd-step';

export const net = { sigmaW2: 2.2, depth: 10, width: 20, inputDim: 20 };

export const gdResult = (over: Partial<GdStepResult> = {}): GdStepResult => ({
  sigmaW2: 2.2,
  depth: 10,
  width: 20,
  inputDim: 20,
  sigmaB2: 0,
  activation: 'relu',
  lr: 1e-3,
  target: 0,
  scale: 1,
  inputNorm: 1,
  samples: 200,
  samplesRequested: 200,
  seed: 1,
  method: 'exact',
  backend: 'test',
  relativeChange: { estimate: 0.05, stderr: 0.004 },
  absRelativeChange: { estimate: 0.07, stderr: 0.003 },
  meanTheta: { estimate: 12, stderr: 0.5 },
  diverged: 0,
  seconds: 0.5,
  done: true,
  ...over,
});

/** Parse our CSV back (no quoted commas in numeric rows). */
export const parse = (csv: string) =>
  csv
    .trim()
    .split('\n')
    .map((l) => l.split(','));
