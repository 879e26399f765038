// ntk-lab presets: the storing paper-figure presets are their sweep commands with the paper's flags (the user's flags
// replace the preset's), they run sharded and stored like those, and bad input exits 2 naming the problem.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrainDynamicsParams } from '../../../src-shared/contract/train-dynamics';
import { PRESETS } from '../../../src-shared/presets';
import { tdIdentity } from '../../tf/sweep/td-store';
import { runCli } from '../run-cli.test-util';
import { expandPreset, SWEEP_PRESETS } from './presets';

const root = mkdtempSync(join(tmpdir(), 'ntk-presets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ntk-lab presets', () => {
  it('list --json: every storing preset with its command line, then the measurement presets (not storing)', async () => {
    const r = await runCli(['presets', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; id: string; command: string | null; stores: boolean });
    expect(lines.filter((l) => l.stores).map((l) => l.id)).toEqual(SWEEP_PRESETS.map((p) => p.id));
    expect(lines.filter((l) => !l.stores).map((l) => l.id)).toEqual(PRESETS.map((p) => p.id));
    expect(lines.every((l) => l.kind === 'preset' && (l.command === null) === !l.stores)).toBe(true);
  });

  it("the user's flags replace the same flags of the preset; the others are kept", () => {
    expect(expandPreset(['fig4-train-dynamics', '--out', 'd']).args).toEqual([
      '--paper-size',
      '--sigma-w2',
      '1,2,2.2',
      '--out',
      'd',
    ]);
    expect(expandPreset(['fig4-train-dynamics', '--sigma-w2=2', '--shard', '0/2']).args).toEqual([
      '--paper-size',
      '--sigma-w2=2',
      '--shard',
      '0/2',
    ]);
  });

  it('run fig4-train-dynamics-cpu is train-dynamics with the Fig. 4 σ_w² list (same store identity)', async () => {
    const tiny = ['--depth', '2', '--width', '8', '--steps', '2', '--record-at', '0,2', '--train-size', '100'];
    const more = ['--test-size', '20', '--batch-size', '50', '--backend', 'wasm', '--json'];
    const r = await runCli(['presets', 'run', 'fig4-train-dynamics-cpu', ...tiny, ...more, '--out', join(root, 'td')]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    const params = parseTrainDynamicsParams({
      depth: 2,
      width: 8,
      steps: 2,
      recordAt: [0, 2],
      trainSize: 100,
      testSize: 20,
      batchSize: 50,
      kernel: false,
      sigmaW2List: [1, 2, 2.2],
    });
    expect(summary).toMatchObject({ kind: 'summary', total: 3, trained: 3, identity: tdIdentity(params) });
  }, 120_000);

  it('bad --shard, a measurement preset, an unknown id or subcommand: exit 2 naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['run', 'fig4-train-dynamics', '--shard=3/2', '--out', join(root, 'x')], /--shard: shard index 3/],
      [['run', 'fig4-train-dynamics', '--shard=-1/2', '--out', join(root, 'x')], /--shard: expected i\/n/],
      [['run', 'fig3-trainability', '--shard=a/b', '--out', join(root, 'x')], /--shard: expected i\/n/],
      [['run', 'fig1', '--out', join(root, 'x')], /fig1 is a measurement preset/],
      [['run', 'nope'], /unknown preset "nope"/],
      [['run'], /give a preset id/],
      [['show'], /give list or run <id>/],
      [['list', '--out', 'x'], /presets list: unexpected "--out"/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['presets', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});
