// Deep kernel shaping (Martens et al. 2021, DKS): Q/C maps of any activation, global maps of chains, the maximal
// slope function and the activation transform that enforces Q(1) = 1, Q′(1) = 1, C(0) = 0, C′(1) = μ⁻¹(ζ).
export {
  dksActivationNames,
  getDksActivation,
  transformActivation,
  type DksActivation,
  type DksTransform,
} from './activations';
export {
  HERMITE_TERMS,
  cMap,
  cMapPrime,
  hermiteSeries,
  localSummary,
  moments,
  seriesCMap,
  type HermiteSeries,
  type LocalSummary,
} from './maps';
export { chainDegeneracy, chainMap, classifyCMap, type ChainMap, type CMapClass, type Degeneracy } from './global';
export {
  invertMaximalSlope,
  maximalSlope,
  slopePolynomial,
  validateArchitecture,
  type Architecture,
  type SlopeNet,
} from './slope';
export { DksNoRootError, dksResiduals, solveDks, type DksResiduals, type DksRoot, type DksSolution } from './solver';
export { chainNtk } from './ntk';
export { dksEocPoint } from './eoc';
