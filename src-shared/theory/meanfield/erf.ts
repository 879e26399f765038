// The theory's import path for erf, erfc, Φ and ϕ; the one implementation is src-shared/network/erf.ts.
export { erf, erfc, normalCdf, normalPdf } from '../../network/erf';
