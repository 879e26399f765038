// Rodas5P: a stiffly accurate, L-stable Rosenbrock–Wanner method of order 5 with an embedded order-4 solution
// (8 stages, one LU factorization of αI − J per step, α = 1/(hγ)); Steinebach, "Construction of Rosenbrock–Wanner
// method Rodas5P and numerical benchmarks within the Julia Differential Equations package", BIT Numer. Math. 63
// (2023), in the stage form of Hairer & Wanner, Solving ODEs II, §IV.7 (the RODAS code):
//   (I/(hγ) − J) k_i = f(z + Σ_{j<i} a_ij k_j) + Σ_{j<i} (c_ij/h) k_j,   z₁ = z + Σ_{j≤6} a_8j k_j + k_8,
// with the error estimate k_8 (stiffly accurate: the last two stages add k_6, k_7 to the sixth stage's argument).
// A linearly implicit method is stable far beyond an explicit one's limit, so on a stiff flow its steps follow the
// solution's own time scale (h ∝ t on the collapse flow's power-law decay) rather than the spectral radius of J.
// Its order needs the exact Jacobian; the caller supplies the solves with αI − J.

/** Solves with αI − J(z) (see reduced-jacobian.ts). */
export interface LinearSolves {
  /** The Jacobian at z (once per step). */
  setState(z: ArrayLike<number>): void;
  /** Factor αI − J at the last state; false when singular. */
  factor(alpha: number): boolean;
  /** x ← (αI − J)⁻¹ x. */
  solve(x: Float64Array): void;
}

export interface RosenbrockOptions {
  /** Relative and absolute tolerance of the local error estimate (RMS norm). */
  tolerance: number;
  /** Most accepted + rejected steps per integrate() call. */
  maxSteps: number;
}

/** 'non-finite': the step size underflowed while the stages kept turning non-finite (the solution overflows). */
export type RosenbrockOutcome = 'done' | 'stopped' | 'step size underflow' | 'non-finite' | 'too many steps';

export interface RosenbrockResult {
  outcome: RosenbrockOutcome;
  /** Time reached. */
  t: number;
  /** The step size to try next (not shortened to land on the end time). */
  nextStep: number;
  steps: number;
  rejected: number;
  /** Derivative evaluations. */
  evaluations: number;
  /** Jacobians (one per attempted step from a new state). */
  jacobians: number;
  /** LU factorizations of αI − J (one per attempt). */
  factorizations: number;
}

const GAMMA = 0.21193756319429014;
const A6 = [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946];
/** a_ij (row i = stage i + 1, 0-based columns). */
const A: readonly (readonly number[])[] = [
  [],
  [3.0],
  [2.849394379747939, 0.45842242204463923],
  [-6.954028509809101, 2.489845061869568, -10.358996098473584],
  [2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641],
  A6,
  [...A6, 1],
  [...A6, 1, 1],
];
/** c_ij. */
const CC: readonly (readonly number[])[] = [
  [],
  [-14.155112264123755],
  [-17.97296035885952, -2.859693295451294],
  [147.12150275711716, -1.41221402718213, 71.68940251302358],
  [165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306],
  [24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471],
  [
    30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623,
    -28.087943162872662,
  ],
  [
    37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002,
    -54.66780262877968, -9.48861652309627,
  ],
];
const STAGES = 8;
/** Step-size controller (Hairer & Wanner's RODAS defaults): h ← h·clamp(0.9·err^(−1/5), 1/5, 6). */
const SAFETY = 0.9,
  FAC_MIN = 0.2,
  FAC_MAX = 6;

export class Rodas5P {
  private readonly size: number;
  private readonly derivative: (z: ArrayLike<number>, dz: Float64Array) => void;
  private readonly linear: LinearSolves;
  private readonly opts: RosenbrockOptions;
  private readonly k: Float64Array[];
  private readonly stage: Float64Array;
  private readonly next: Float64Array;

  constructor(
    size: number,
    derivative: (z: ArrayLike<number>, dz: Float64Array) => void,
    linear: LinearSolves,
    opts: RosenbrockOptions,
  ) {
    this.size = size;
    this.derivative = derivative;
    this.linear = linear;
    this.opts = { ...opts };
    this.k = Array.from({ length: STAGES }, () => new Float64Array(size));
    this.stage = new Float64Array(size);
    this.next = new Float64Array(size);
  }

  /**
   * Integrate from t0 to t1 (> t0), z in place, trying h0 first; `onStep(t, z)` sees every accepted step and stops
   * the integration by returning false.
   */
  integrate(
    t0: number,
    z: Float64Array,
    t1: number,
    h0: number,
    onStep: (t: number, z: Float64Array) => boolean,
  ): RosenbrockResult {
    const { size, k, stage, next, linear } = this;
    const tol = this.opts.tolerance;
    const res: RosenbrockResult = {
      outcome: 'done',
      t: t0,
      nextStep: h0,
      steps: 0,
      rejected: 0,
      evaluations: 0,
      jacobians: 0,
      factorizations: 0,
    };
    let t = t0,
      h = h0,
      fresh = true,
      nonFinite = false,
      grow = FAC_MAX;
    while (t < t1) {
      if (res.steps + res.rejected >= this.opts.maxSteps) {
        res.outcome = 'too many steps';
        break;
      }
      if (!(h > 1e-14 * Math.max(1, Math.abs(t)))) {
        res.outcome = nonFinite ? 'non-finite' : 'step size underflow';
        break;
      }
      const last = t + h >= t1 - 1e-14 * Math.abs(t1);
      const step = last ? t1 - t : h;
      if (fresh) {
        this.derivative(z, k[0]);
        res.evaluations++;
        linear.setState(z);
        res.jacobians++;
        // keep f(z) for a retry: stage 1 solves it in place
        next.set(k[0]);
        fresh = false;
      } else k[0].set(next);
      res.factorizations++;
      let err = Number.POSITIVE_INFINITY;
      if (linear.factor(1 / (step * GAMMA))) {
        linear.solve(k[0]);
        for (let i = 1; i < STAGES; i++) {
          const a = A[i],
            c = CC[i],
            ki = k[i];
          for (let q = 0; q < size; q++) {
            let v = z[q];
            for (let j = 0; j < i; j++) v += a[j] * k[j][q];
            stage[q] = v;
          }
          this.derivative(stage, ki);
          res.evaluations++;
          for (let q = 0; q < size; q++) {
            let v = 0;
            for (let j = 0; j < i; j++) v += c[j] * k[j][q];
            ki[q] += v / step;
          }
          linear.solve(ki);
        }
        const e = k[STAGES - 1];
        let sum = 0;
        for (let q = 0; q < size; q++) {
          const z1 = stage[q] + e[q];
          const scale = tol + tol * Math.max(Math.abs(z[q]), Math.abs(z1));
          sum += (e[q] / scale) ** 2;
        }
        err = Math.sqrt(sum / size);
      }
      // err = NaN (a non-finite stage) rejects like an infinite error
      if (err <= 1) {
        const factor = Math.min(grow, Math.max(FAC_MIN, SAFETY * err ** -0.2));
        const e = k[STAGES - 1];
        for (let q = 0; q < size; q++) z[q] = stage[q] + e[q];
        t = last ? t1 : t + step;
        res.steps++;
        fresh = true;
        nonFinite = false;
        grow = FAC_MAX;
        // a step shortened to land on t1 leaves the proposal for the next interval as it was
        h = last && step < h ? Math.max(h, step * factor) : step * factor;
        if (!onStep(t, z)) {
          res.outcome = 'stopped';
          break;
        }
      } else {
        res.rejected++;
        grow = 1;
        nonFinite = !Number.isFinite(err);
        h = step * (Number.isFinite(err) ? Math.max(FAC_MIN, SAFETY * err ** -0.2) : FAC_MIN);
      }
    }
    res.t = t;
    res.nextStep = h;
    return res;
  }
}
