// lr-sweep --out / --shard i/n: the stored points of shards equal the single-process run point for point (every
// point is trained from the sweep's seed, never from its position), and a rerun on a store trains only what is missing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lrSweepPointSchema, type LrSweepPoint } from '../../../src-shared/contract/lr-sweep';
import { runCli } from '../run-cli.test-util';

const BASE = [
  '--dataset',
  'synthetic',
  '--width',
  '8',
  '--steps',
  '5',
  '--batch-size',
  '16',
  '--train-size',
  '64',
  '--test-size',
  '32',
  '--rhos',
  '2,0.5',
  '--backend',
  'wasm',
  '--json',
];
const TINY = [...BASE, '--depths', '3,2'];

const key = (p: { depth: number; rho: number }) => `${p.depth}|${p.rho}`;
/** A point's numbers: everything but the wall-clock seconds. */
const numbers = ({ seconds: _s, ...rest }: LrSweepPoint) => rest;
const stored = (dir: string): LrSweepPoint[] =>
  readFileSync(join(dir, 'points.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => lrSweepPointSchema.parse(JSON.parse(l)));
const jsonLines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

let root: string;
let whole: LrSweepPoint[];
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ntk-lr-shard-'));
  const r = await runCli(['lr-sweep', ...TINY, '--out', join(root, 'whole')]);
  expect(r.code, r.stderr).toBe(0);
  whole = stored(join(root, 'whole'));
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ntk-lab lr-sweep --out / --shard', () => {
  it('stores every point once; the summary adds dir, identity, total, resumed, trained', async () => {
    expect(whole.map(key).sort()).toEqual(['2|0.5', '2|2', '3|0.5', '3|2']);
    const r = await runCli(['lr-sweep', ...TINY, '--out', join(root, 'whole')]);
    // a complete store: nothing is trained again and no point line is printed
    const ls = jsonLines(r.stdout);
    expect(ls).toHaveLength(1);
    expect(ls[0]).toMatchObject({ kind: 'summary', status: 'complete', points: 4, total: 4, resumed: 4, trained: 0 });
    expect(ls[0].identity).toMatch(/^[0-9a-f]{64}$/);
  });

  it('2 shards split the points (disjoint, together all) and each point equals the single-process run', async () => {
    const got = new Map<string, LrSweepPoint>();
    for (const i of [0, 1]) {
      const dir = join(root, `shard-${i}`);
      const r = await runCli(['lr-sweep', ...TINY, '--shard', `${i}/2`, '--out', dir]);
      expect(r.code, r.stderr).toBe(0);
      const summary = jsonLines(r.stdout).at(-1)!;
      expect(summary).toMatchObject({ kind: 'summary', shard: { index: i, count: 2 }, resumed: 0 });
      // balanced by cost ∝ L: depth 3 (cost 3+3) and depth 2 (2+2) cannot both be whole in one shard
      expect(summary.total).toBe(2);
      for (const p of stored(dir)) {
        expect(got.has(key(p))).toBe(false);
        got.set(key(p), p);
      }
    }
    expect([...got.keys()].sort()).toEqual(whole.map(key).sort());
    for (const p of whole) expect(numbers(got.get(key(p))!)).toEqual(numbers(p));
  }, 30_000);

  it("a point's numbers do not depend on its position in the sweep", async () => {
    const r = await runCli(['lr-sweep', ...BASE, '--depths', '2']);
    expect(r.code, r.stderr).toBe(0);
    const alone = jsonLines(r.stdout)
      .filter((l) => l.kind === 'point')
      .map(({ kind: _k, ...p }) => lrSweepPointSchema.parse(p));
    expect(alone).toHaveLength(2);
    for (const p of alone) expect(numbers(p)).toEqual(numbers(whole.find((q) => key(q) === key(p))!));
  }, 30_000);

  it('a rerun on a partial store trains only the missing points, with the same numbers', async () => {
    const dir = join(root, 'partial');
    mkdirSync(dir);
    writeFileSync(join(dir, 'sweep.json'), readFileSync(join(root, 'whole', 'sweep.json')));
    const kept = readFileSync(join(root, 'whole', 'points.jsonl'), 'utf8').split('\n')[0];
    writeFileSync(join(dir, 'points.jsonl'), `${kept}\n{"depth": 2, "rh`); // and a torn last line
    const r = await runCli(['lr-sweep', ...TINY, '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    const ls = jsonLines(r.stdout);
    const printed = ls.filter((l) => l.kind === 'point').map((l) => key(l as unknown as LrSweepPoint));
    expect(printed.sort()).toEqual(whole.slice(1).map(key).sort());
    expect(ls.at(-1)).toMatchObject({ resumed: 1, trained: 3, points: 4 });
    const after = stored(dir);
    expect(after).toHaveLength(4);
    expect(after[0]).toEqual(JSON.parse(kept));
    for (const p of after) expect(numbers(p)).toEqual(numbers(whole.find((q) => key(q) === key(p))!));
  }, 30_000);

  it('bad --shard, --shard without --out, or another sweep in --out: exit 2 naming the problem', async () => {
    for (const s of ['3/2', '-1/2', 'a/b', '1/0']) {
      const r = await runCli(['lr-sweep', ...TINY, '--out', join(root, 'bad'), `--shard=${s}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--shard/);
    }
    const r = await runCli(['lr-sweep', ...TINY, '--shard', '0/2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shard needs --out/);
    const other = await runCli(['lr-sweep', ...BASE, '--depths', '2', '--out', join(root, 'whole')]);
    expect((await runCli(['lr-sweep', ...BASE, '--depths', '2', '--out', join(root, 'other')])).code).toBe(0);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/different params/);
    // a corrupt line is named, not dropped or overwritten
    const corrupt = join(root, 'corrupt');
    mkdirSync(corrupt);
    writeFileSync(join(corrupt, 'sweep.json'), readFileSync(join(root, 'whole', 'sweep.json')));
    const good = readFileSync(join(root, 'whole', 'points.jsonl'), 'utf8').split('\n')[0];
    writeFileSync(join(corrupt, 'points.jsonl'), `${good}\n{"depth": 3}\n`);
    const c = await runCli(['lr-sweep', ...TINY, '--out', corrupt]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/points\.jsonl line 2: not a point record/);
    expect(readFileSync(join(corrupt, 'points.jsonl'), 'utf8')).toBe(`${good}\n{"depth": 3}\n`);
  });

  it('merge: the shards merge into a store equal to the single run; a missing shard is reported, then resumed', async () => {
    // shard-0 and shard-1 were written by the shard test above
    const partial = join(root, 'merged-partial');
    const m1 = await runCli(['merge', '--json', '--out', partial, join(root, 'shard-0'), join(root, 'shard-absent')]);
    expect(m1.code, m1.stderr).toBe(1);
    const s1 = jsonLines(m1.stdout)[0];
    expect(s1).toMatchObject({ kind: 'summary', sweep: 'lr-sweep', total: 4, done: 2, missing: 2, duplicates: 0 });
    expect(s1.absent).toEqual([join(root, 'shard-absent')]);
    // the merged store resumes with lr-sweep --out: only the missing points train
    const r = await runCli(['lr-sweep', ...TINY, '--out', partial]);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ resumed: 2, trained: 2, points: 4 });
    for (const p of stored(partial)) expect(numbers(p)).toEqual(numbers(whole.find((q) => key(q) === key(p))!));

    const merged = join(root, 'merged');
    const dirs = [join(root, 'shard-0'), join(root, 'shard-1'), join(root, 'shard-0')];
    const m2 = await runCli(['merge', '--json', '--out', merged, ...dirs]);
    expect(m2.code, m2.stderr).toBe(0);
    expect(jsonLines(m2.stdout)[0]).toMatchObject({ total: 4, done: 4, missing: 0, duplicates: 2, added: 4 });
    const got = stored(merged);
    expect(got.map(key).sort()).toEqual(whole.map(key).sort());
    for (const p of got) expect(numbers(p)).toEqual(numbers(whole.find((q) => key(q) === key(p))!));
  }, 30_000);

  it('merge refuses a trainability store mixed with lr-sweep shards, and different lr sweeps: nothing written', async () => {
    const tr = join(root, 'trainability');
    const t = await runCli([
      'trainability',
      '--out',
      tr,
      '--dataset',
      'synthetic',
      '--width',
      '8',
      '--steps',
      '2',
      '--batch-size',
      '16',
      '--train-size',
      '32',
      '--test-size',
      '16',
      '--sigma-w2',
      '1',
      '--depth',
      '2',
      '--backend',
      'wasm',
    ]);
    expect(t.code, t.stderr).toBe(0);
    const out = join(root, 'mixed');
    const m = await runCli(['merge', '--out', out, join(root, 'shard-0'), tr]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/trainability sweep .* learning-rate sweep/);
    expect(existsSync(out)).toBe(false);
    const d = await runCli(['merge', '--out', out, join(root, 'shard-0'), join(root, 'other')]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/different learning-rate sweeps/);
    expect(existsSync(out)).toBe(false);
  }, 30_000);
});
