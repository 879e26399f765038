// Seleznova & Kutyniok 2022 ReLU NTK theory (σ_b = 0, ‖x⁰‖ = 1): finite-width moments (Thm 3.2), the λ = L/M limit (Thm
// 3.1),
// the plane's heat-map grid and the per-point prediction.
export { ReluMomentRecurrence, reluFiniteMoments, reluFiniteMomentsConstant, type ReluMoments } from './relu-finite';
export { limitDispersion, limitDispersionChaotic, limitDispersionEoc, phi2 } from './relu-limit';
export {
  dispersionGrid,
  gridDepth,
  gridDepths,
  gridInputDim,
  GRID_CELLS_MAX,
  type DispersionGridOptions,
} from './plane-grid';
export { predictPoint, type PointPrediction } from './predict';
export {
  OFF_DIAGONAL_RATIO_BOUNDS,
  offDiagonalDispersionBound,
  offDiagonalRatioOrdered,
  offDiagonalRatioOrderedCurve,
  reluCorrelationR,
  reluCorrelations,
  reluDerivativeG,
} from './relu-offdiagonal';
export {
  EXACT_MOMENTS_MAX_DEPTH,
  EXACT_MOMENTS_MAX_WIDTH,
  reluExactMoments,
  type ReluExactMoments,
} from './relu-exact-moments';
export {
  componentShares,
  reluExactComponentMoments,
  reluFiniteComponentMoments,
  type ComponentLogMoments,
  type ComponentMoments,
  type ComponentShares,
} from './relu-exact-components';
