// train-dynamics with a σ_w² list (--sigma-w2 a,b,c), --out and --shard i/n: each run's records equal the single
// run with that σ_w² (same seed), shards split the list and merge back into the single-process store, a rerun on a
// complete store trains nothing, and bad --shard / --sigma-w2 input exits 2 naming the flag.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tdRunSchema, type TdRun } from '../tf/sweep/td-store';
import { runCli } from './run-cli.test-util';

const TINY = [
  ...['--depth', '3', '--width', '12', '--steps', '4', '--record-at', '0,4'],
  ...['--train-size', '100', '--test-size', '50', '--batch-size', '50', '--lr', '1e-3', '--backend', 'wasm'],
];
const LIST = ['--sigma-w2', '1.5,2,2.5'];

/** A run's numbers: everything but the wall-clock seconds. */
const numbers = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (k, v) => (k === 'seconds' ? undefined : v)));
const stored = (dir: string): Map<number, TdRun> =>
  new Map(
    readFileSync(join(dir, 'runs.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => tdRunSchema.parse(JSON.parse(l)))
      .map((r) => [r.sigmaW2, r]),
  );
const jsonLines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

let root: string;
let whole: Map<number, TdRun>;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ntk-td-list-'));
  const r = await runCli(['train-dynamics', ...TINY, ...LIST, '--out', join(root, 'whole'), '--json']);
  expect(r.code, r.stderr).toBe(0);
  whole = stored(join(root, 'whole'));
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ntk-lab train-dynamics --sigma-w2 a,b,c --out / --shard', () => {
  it('stores one run per σ_w², each equal to the single run with that σ_w²; a rerun trains nothing', async () => {
    expect([...whole.keys()]).toEqual([1.5, 2, 2.5]);
    const single = await runCli(['train-dynamics', ...TINY, '--sigma-w2', '2', '--json']);
    expect(single.code, single.stderr).toBe(0);
    const records = jsonLines(single.stdout).map(({ backend: _b, ...r }) => r);
    expect(numbers(records)).toEqual(numbers(whole.get(2)!.records));
    // the σ_w² change the numbers (not one run stored three times)
    expect(whole.get(1.5)!.records[0].thetaD).not.toBe(whole.get(2.5)!.records[0].thetaD);
    const again = await runCli(['train-dynamics', ...TINY, ...LIST, '--out', join(root, 'whole'), '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(jsonLines(again.stdout)).toEqual([
      expect.objectContaining({ kind: 'summary', total: 3, resumed: 3, trained: 0, status: 'complete' }),
    ]);
  }, 120_000);

  it('2 shards split the list (disjoint, together all) and merge into the single-process store', async () => {
    const dirs = [0, 1].map((i) => join(root, `shard-${i}`));
    const seen: number[] = [];
    for (const [i, dir] of dirs.entries()) {
      const r = await runCli(['train-dynamics', ...TINY, ...LIST, '--shard', `${i}/2`, '--out', dir, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(jsonLines(r.stdout).at(-1)).toMatchObject({ kind: 'summary', shard: { index: i, count: 2 } });
      seen.push(...stored(dir).keys());
    }
    expect(seen.sort()).toEqual([1.5, 2, 2.5]);
    const partial = await runCli(['merge', '--out', join(root, 'merged'), dirs[0], '--json']);
    expect(partial.code).toBe(1);
    expect(jsonLines(partial.stdout)[0]).toMatchObject({
      kind: 'summary',
      total: 3,
      missing: 3 - stored(dirs[0]).size,
    });
    const m = await runCli(['merge', '--out', join(root, 'merged'), ...dirs, '--json']);
    expect(m.code, m.stderr).toBe(0);
    expect(jsonLines(m.stdout)[0]).toMatchObject({
      kind: 'summary',
      sweep: 'train-dynamics',
      total: 3,
      done: 3,
      missing: 0,
      duplicates: 0,
    });
    const merged = stored(join(root, 'merged'));
    for (const s of [1.5, 2, 2.5]) expect(numbers(merged.get(s))).toEqual(numbers(whole.get(s)));
  }, 120_000);

  it('bad --shard or --sigma-w2 list, --shard without --out, another list in --out: exit 2 naming it', async () => {
    const out = ['--out', join(root, 'bad')];
    const cases: [string[], RegExp][] = [
      [['--shard=3/2', ...out], /--shard: shard index 3 is not below/],
      [['--shard=-1/2', ...out], /--shard: expected i\/n/],
      [['--shard=a/b', ...out], /--shard: expected i\/n/],
      [['--shard', '0/2'], /--shard needs --out/],
      [['--sigma-w2', '1,1'], /--sigma-w2: the values of the list must be distinct/],
      [['--sigma-w2', '1,x'], /--sigma-w2: expected a number/],
      [['--sigma-w2', '1,-2'], /--sigma-w2 \(item 2\): σ_w² must be > 0/],
      [['--sigma-w2', '1.5,2', '--out', join(root, 'whole')], /holds a training-dynamics list with different params/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['train-dynamics', ...TINY, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      // nothing before the error: not even the header (a store is opened before the first output)
      expect(r.stdout, args.join(' ')).toBe('');
    }
  }, 120_000);
});
