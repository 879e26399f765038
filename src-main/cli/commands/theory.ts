// `ntk-lab theory`: the finite-width and limiting predictions of Seleznova & Kutyniok 2022 at one point of the plane.
// JSON contract (add fields, never rename): sigmaW2, depth, width, inputDim, phase, meanTheta, dispersion.{finite,
// limit}.
import { predictPoint } from '../../../src-shared/theory/index';
import { EXIT_OK, type CliCommand } from '../command';
import { NETWORK_FLAGS, NETWORK_USAGE, parseFlags, parseNetwork } from '../args';
import { fmt, jsonLine, table } from '../format';

const FLAGS = { ...NETWORK_FLAGS, json: { type: 'boolean' } } as const;

export const command: CliCommand = {
  name: 'theory',
  summary: 'predicted E[Θ] and dispersion E[Θ²]/E[Θ]² (finite width and the λ = L/M limit)',
  usage: `Usage: ntk-lab theory --sigma-w2 <v> --depth <L> --width <M> [--alpha0 <v> | --input-dim <n0>] [--json]

Seleznova & Kutyniok 2022 predictions for a fully-connected ReLU network (standard parametrization, σ_b = 0, ‖x⁰‖ = 1):
the mean NTK E[Θ(x,x)], and the dispersion E[Θ²]/E[Θ]² at finite width (Thm 3.2), in the limit
L, M → ∞ with L/M = λ (Thm 3.1), and exactly for this network (the lab's exact moments).

${NETWORK_USAGE}
  --json             one JSON object on stdout: sigmaW2, depth, width, inputDim, phase, meanTheta,
                     dispersion {finite, limit, exact}, plus depthToWidth, alpha0, logMeanTheta; a value
                     beyond float64 (deep chaotic phase) is written as null, logMeanTheta stays finite`,

  async run(args, io) {
    const values = parseFlags(args, FLAGS);
    const network = parseNetwork(values);
    const p = predictPoint(network);
    const out = {
      sigmaW2: p.sigmaW2,
      depth: p.depth,
      width: p.width,
      inputDim: p.inputDim,
      phase: p.phase,
      meanTheta: p.meanTheta,
      dispersion: { finite: p.dispersion.finite, limit: p.dispersion.limit, exact: p.dispersion.exact },
      depthToWidth: p.depthToWidth,
      alpha0: p.alpha0,
      logMeanTheta: p.logMeanTheta,
    };
    if (values.json) {
      io.stdout(jsonLine(out));
      return EXIT_OK;
    }
    io.stdout(
      table(
        `NTK theory (Seleznova & Kutyniok 2022): σ_w² = ${fmt(out.sigmaW2)} (${out.phase}), L = ${out.depth}, M = ${out.width}, n₀ = ${out.inputDim}`,
        [
          ['λ = L/M', fmt(out.depthToWidth)],
          ['α₀ = n₀/M', fmt(out.alpha0)],
          ['E[Θ(x,x)]', fmt(out.meanTheta)],
          ['ln E[Θ(x,x)]', fmt(out.logMeanTheta)],
          ['E[Θ²]/E[Θ]², width M', fmt(out.dispersion.finite)],
          ['E[Θ²]/E[Θ]², limit λ', fmt(out.dispersion.limit)],
          ['E[Θ²]/E[Θ]², exact', fmt(out.dispersion.exact)],
        ],
      ),
    );
    return EXIT_OK;
  },
};
