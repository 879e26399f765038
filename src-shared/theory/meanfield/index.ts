// Signal-propagation (mean-field) theory for any activation (Xiao et al. 2020, §2, §4, Table 1; Poole et al. 2016;
// Schoenholz et al. 2017): NNGP map, fixed points, depth scales, critical line, NNGP/NTK recursions, spectrum, ξ map.
export { activationNames, defineActivation, getActivation, type Activation, type ClosedForms } from './activation';
export { erf, erfc, normalCdf, normalPdf } from './erf';
export {
  applyRule,
  compositeRule,
  expectBivariate,
  expectBivariateHermite,
  expectNormal,
  expectNormalHermite,
  gaussHermite,
  gaussLegendre,
  type CompositeOptions,
  type Cov2,
  type NormalRule,
} from './gauss';
export { brent } from './root';
export { lengthMap, meanActivation, nngpMap, nngpMapQuadrature, quadratureOptions, type NngpValues } from './nngp-map';
export { correlationSeries, seriesAt, type CorrelationSeries } from './hermite-series';
export {
  CRITICAL_TOLERANCE,
  Q_DIVERGENT,
  fixedPoint,
  resolveActivation,
  solveCStar,
  solveQStar,
  validateMeanFieldParams,
  type FixedPoint,
  type MeanFieldParams,
} from './fixed-point';
export { MEANFIELD_PHASES, depthScales, phaseOfChi1, type DepthScales, type MeanFieldPhase } from './depth-scales';
export { criticalCurve, criticalSigmaW2, type CriticalPoint } from './critical-curve';
export {
  QUADRATURE_Q_MAX,
  RECURSION_MAX_DEPTH,
  RECURSION_MAX_INPUTS,
  kernelRecursion,
  ntkAlongDepth,
  pairRecursion,
  pairRecursionSteps,
  type KernelRecursionOptions,
  type KernelRecursionResult,
  type NtkDepthCurve,
  type NtkLayer,
  type PairMap,
  type PairRecursionEnd,
  type PairRecursionStep,
} from './recursions';
export {
  criticalExponentA,
  equicorrelatedGram,
  etaTheory,
  ntkSpectrum,
  symmetricEigenvalues,
  tableOneAsymptotes,
  type LossNormalization,
  type SpectrumSummary,
  type TableOneAsymptotes,
} from './spectrum';
export { MAP_CELLS_MAX, MAP_STATUS, depthOverXiMap, xiMap, type DepthOverXiMap, type XiMap } from './map';
export { criticalPoint, meanfieldPoint } from './point';
