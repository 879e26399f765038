// ntk-lab dks-train: the configurations it trains are the ones the theory prescribes (EOC: χ₁ = 1 at the fixed
// point, by the mean-field module; DKS: the four conditions of Martens et al. 2021 (DKS) met by the transform), the
// JSON lines follow the contract, every configuration of a small deterministic run learns above chance, and bad
// input names its flag.
import { describe, expect, it } from 'vitest';
import { dksTrainConfigSchema, dksTrainRecordSchema, EOC_SIGMA_B2 } from '../../src-shared/contract/dks-train';
import { dksResiduals, getDksActivation } from '../../src-shared/theory/dks';
import { fixedPoint } from '../../src-shared/theory/meanfield';
import { runCli } from './run-cli.test-util';

const TINY = ['--depth', '4', '--width', '16', '--steps', '20', '--record-every', '10', '--zetas', '1.5'];
const DATA = ['--train-size', '300', '--test-size', '100', '--batch-size', '32', '--backend', 'cpu'];

describe('ntk-lab dks-train', () => {
  it('--json: EOC on the critical line, DKS meeting its conditions, every configuration above chance', async () => {
    const r = await runCli(['dks-train', ...TINY, ...DATA, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const configs = lines.filter((l) => l.kind === 'config');
    expect(configs.map((c) => c.type)).toEqual(['eoc', 'selu', 'layernorm', 'dks']);
    for (const c of configs) {
      const { kind: _k, type: _t, index: _i, ...rest } = c;
      expect(dksTrainConfigSchema.safeParse({ ...rest, kind: c.type }).success).toBe(true);
    }
    const eoc = configs[0] as { sigmaW2: number; sigmaB2: number };
    expect(eoc.sigmaB2).toBe(EOC_SIGMA_B2);
    const fp = fixedPoint({ activation: 'tanh', sigmaW2: eoc.sigmaW2, sigmaB2: eoc.sigmaB2 });
    expect(fp.kind === 'finite' && Math.abs(fp.chi1 - 1)).toBeLessThan(1e-6);
    const ln = configs[2] as { label: string; activation: string; sigmaW2: number; sigmaB2: number };
    expect([ln.label, ln.activation, ln.sigmaW2, ln.sigmaB2]).toEqual(['Layer Norm tanh', 'tanh', 1, 0]);
    const dks = configs[3] as { transform: { alpha: number; beta: number; gamma: number; delta: number } };
    const res = dksResiduals(getDksActivation('tanh'), dks.transform, 1.5 ** (1 / 4));
    for (const v of Object.values(res)) expect(Math.abs(v)).toBeLessThanOrEqual(1e-9);

    const records = lines
      .filter((l) => l.kind === 'record')
      .map(({ kind: _k, ...rec }) => dksTrainRecordSchema.parse(rec));
    expect(records.map((x) => [x.config, x.step])).toEqual([
      [0, 0],
      [0, 10],
      [0, 20],
      [1, 0],
      [1, 10],
      [1, 20],
      [2, 0],
      [2, 10],
      [2, 20],
      [3, 0],
      [3, 10],
      [3, 20],
    ]);
    // 20 Adam steps: well above the 10% of chance on the training digits (fixed seed and backend: deterministic)
    for (const x of records.filter((rec) => rec.step === 20)) expect(x.trainAccuracy!).toBeGreaterThan(0.2);
    // --skip-layer-norm leaves it out
    const skip = await runCli([
      'dks-train',
      ...TINY,
      ...DATA,
      '--skip-eoc',
      '--skip-selu',
      '--skip-layer-norm',
      '--json',
    ]);
    expect(skip.code, skip.stderr).toBe(0);
    const types = skip.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.kind === 'config')
      .map((c) => c.type);
    expect(types).toEqual(['dks']);
  });

  it('names the flag on bad input (exit 2)', async () => {
    for (const [args, pattern] of [
      [['--zetas', '1'], /--zetas/],
      [['--activation', 'linear'], /--activation/],
      [['--depth', '0'], /--depth/],
      // softplus has no critical line at σ_b² = 0.05: said so, with the way out
      [['--activation', 'softplus', '--steps', '1'], /no edge-of-chaos initialization for softplus.*--skip-eoc/],
    ] as const) {
      const r = await runCli(['dks-train', ...args]);
      expect(r.code, r.stdout).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
