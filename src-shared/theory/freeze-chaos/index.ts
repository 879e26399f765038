// Freeze and chaos on the β line (Jacot et al. 2019, "Freeze and Chaos for DNNs: an NTK view of Batch
// Normalization, Checkerboard and Boundary Effects"): standardized/normalized σ, r_{σ,β}, β*, the NTK recursion on
// the sphere, ϑ vs angle and depth, the Thm 2/3 bounds, and the batch-norm Gram diagnostics (Sec. 5.1).
export {
  NONLINEARITY_MODES,
  freezeChaosActivationNames,
  makeNonlinearity,
  resolvePhi,
  type Nonlinearity,
  type NonlinearityMode,
} from './nonlinearity';
export { CHEBYSHEV_DEGREE, dualFunctions, type DualFunctions, type DualMethod } from './dual';
export {
  EDGE_TOLERANCE,
  FREEZE_CHAOS_MAX_DEPTH,
  FREEZE_CHAOS_PHASES,
  chaosFixedPoint,
  characteristicValue,
  circleMeanVartheta,
  criticalBeta,
  freezeChaosModel,
  freezeChaosPoint,
  ntkRecursion,
  phaseOfR,
  thetaDiagonal,
  validateBeta,
  validateCos,
  validateDepth,
  varthetaBounds,
  varthetaVsAngle,
  type FreezeChaosModel,
  type FreezeChaosPhase,
  type FreezeChaosPoint,
  type FreezeChaosSpec,
  type NtkRecursion,
  type VarthetaBound,
} from './recursion';
export { constantMode, symmetricEigen, type ConstantMode } from './gram';
export {
  DCNN_MAX_POSITIONS,
  DCNN_LR_SCALINGS,
  DCNN_PARAMETRIZATIONS,
  checkerboardProfile,
  dcnnKernels,
  dcnnLearningRates,
  dcnnLayerSizes,
  remark4Constant,
  sValuation,
  stationaryInputGram,
  type CheckerboardProfile,
  type DcnnKernels,
  type DcnnLrScaling,
  type DcnnParametrization,
  type DcnnSpec,
} from './dcnn';
export {
  DCNN_GRID_MAX_ROWS,
  dcnnGrid,
  dcnnGridShapes,
  sValuationNd,
  type DcnnGrid,
  type DcnnGridSpec,
} from './dcnn-grid';
export { topEigenpairs, type TopEigen } from './eigen-top';
