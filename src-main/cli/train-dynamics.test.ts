import { describe, expect, it } from 'vitest';
import { trainDynamicsRecordSchema } from '../../src-shared/contract/train-dynamics';
import { runCli } from './run-cli.test-util';

const TINY = [
  '--depth',
  '3',
  '--width',
  '16',
  '--steps',
  '12',
  '--train-size',
  '200',
  '--test-size',
  '100',
  '--batch-size',
  '50',
  '--lr',
  '1e-3',
  '--backend',
  'wasm',
];

describe('ntk-lab train-dynamics', () => {
  it('--json streams one contract record per recorded step, with the backend on every line', async () => {
    const r = await runCli(['train-dynamics', ...TINY, '--record-every', '5', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([0, 5, 10, 12]);
    for (const l of lines) {
      expect(l.backend).toBe('wasm');
      expect(l.kernel).toBeUndefined();
      const { backend: _b, ...record } = l;
      expect(trainDynamicsRecordSchema.safeParse(record).success).toBe(true);
      expect(l.thetaD).toBeGreaterThan(0);
    }
    expect(lines[3].trainLoss).toBeLessThan(lines[0].trainLoss);
  });

  it('--kernel adds the 100×100 class-sorted heat map; --record-at picks the steps', async () => {
    const r = await runCli(['train-dynamics', ...TINY, '--record-at', '12,0', '--kernel', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([0, 12]);
    const K: number[] = lines[0].kernel;
    expect(K).toHaveLength(10_000);
    const diag = K.filter((_, i) => i % 101 === 0).reduce((s, v) => s + v, 0) / 100;
    expect(diag).toBeCloseTo(lines[0].thetaD, 3);
  });

  it('bad input exits 2 with a message and nothing on stdout', async () => {
    const cases: [string[], RegExp][] = [
      [['--width', '0'], /width \(M\) must be ≥ 1/],
      [['--optimizer', 'rmsprop'], /--optimizer: expected one of adam, sgd/],
      [['--record-every', '5', '--record-at', '0,5'], /give one of them/],
      [['--steps', '10', '--record-at', '0,20'], /beyond steps = 10/],
      [['--paper-size', '--steps', '10'], /beyond steps = 10/], // the preset's record steps apply
      [['--lr', 'fast'], /--lr: expected a number/],
      [['--backend', 'tpu'], /--backend/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['train-dynamics', ...args, '--json']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
  });

  it('an aborted signal stops the run early', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runCli(['train-dynamics', ...TINY, '--json'], { signal: controller.signal });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/stopped early/);
  });
});
