// Shared by the measured-layer tests: a small layer configuration and a finished measurement at a job's network.
import type { MeasureParamsInput, MeasureResult } from '../../src-shared/contract/measure';
import type { LayerConfig } from './measured-layer';

export const config = (over: Partial<LayerConfig> = {}): LayerConfig => ({
  width: 30,
  inputDim: 30,
  samples: 500,
  seed: 1,
  levels: 3,
  ...over,
});

export const resultFor = (p: MeasureParamsInput, estimate = 1.1, stderr = 0.01, tailShare = 0.03): MeasureResult => ({
  sigmaW2: p.sigmaW2,
  depth: p.depth,
  width: p.width,
  inputDim: p.inputDim,
  sigmaB2: 0,
  samples: p.samples,
  samplesRequested: p.samples,
  seed: p.seed,
  method: 'exact',
  meanTheta: { estimate: 3, stderr: 0.1 },
  dispersion: { estimate, stderr },
  tailShare,
  seconds: 0.01,
  done: true,
});
