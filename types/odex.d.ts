// Types for the `odex` package (Hairer & Wanner's ODEX, ported by C. Smith). It ships its TypeScript source
// instead of declarations, and that source does not compile under strict settings, so tsconfig.base.json maps
// 'odex' here for type checking; bundlers and Node load the package's own JavaScript.
export type Derivative = (x: number, y: number[]) => number[];
export type OutputFunction = (
  nr: number,
  xOld: number,
  x: number,
  y: number[],
  dense?: (c: number, x: number) => number,
) => boolean | void;

export enum Outcome {
  Converged,
  MaxStepsExceeded,
  EarlyReturn,
}

export class Solver {
  constructor(n: number);
  n: number;
  maxSteps: number;
  initialStepSize: number;
  denseOutput: boolean;
  relativeTolerance: number | number[];
  absoluteTolerance: number | number[];
  solve(
    f: Derivative,
    x: number,
    y0: number[],
    xEnd: number,
    solOut?: OutputFunction,
  ): { y: number[]; outcome: Outcome; nStep: number; xEnd: number; nAccept: number; nReject: number; nEval: number };
}
