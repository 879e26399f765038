// ntk-lab collapse-train: --json lines follow the contract (one per record, with the backend), and bad input exits 2
// naming its flag.
import { describe, expect, it } from 'vitest';
import { collapseTrainRecordSchema } from '../../src-shared/contract/collapse-train';
import { runCli } from './run-cli.test-util';

const TINY = ['--hidden', '24,12', '--train-per-class', '4', '--batch-per-class', '2', '--kernel-per-class', '2'];
const RUN = ['--test-size', '20', '--epochs', '2', '--record-every', '1', '--seed', '1', '--backend', 'wasm'];

describe('ntk-lab collapse-train', () => {
  it('--json: one contract record per checkpoint, epochs 0, 1, 2', async () => {
    const r = await runCli(['collapse-train', ...TINY, ...RUN, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.epoch)).toEqual([0, 1, 2]);
    for (const { backend, ...rest } of lines) {
      expect(backend).toBe('wasm');
      expect(collapseTrainRecordSchema.strict().safeParse(rest).success).toBe(true);
    }
  }, 120_000);

  it('bad input: exit 2, naming the flag', async () => {
    for (const [args, pattern] of [
      [['--hidden', '64,8'], /--hidden: .*n > C = 10/],
      [['--hidden', '64,x'], /--hidden/],
      [['--hidden', '64,0,32'], /--hidden \(item 2\): hidden width must be ≥ 1/],
      [['--train-per-class', '5', '--batch-per-class', '9'], /--batch-per-class \(9\) must be ≤/],
      [['--kernel-per-class', '1'], /--kernel-per-class/],
      [['--lr', 'abc'], /--lr/],
      [['--momentum', '1'], /--momentum/],
      [['--epochs', '-1'], /--epochs/],
      [['--activation', 'nope'], /--activation/],
    ] as const) {
      const r = await runCli(['collapse-train', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
