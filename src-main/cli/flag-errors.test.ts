// Issue 17, defect 8: every rejected flag of every command is named as the user typed it (`--samples`, not
// `samples:` or `depths.0`), the message points to --help, and the exit code is 2. One row per rejection; each run
// fails in the flag parser or the service's check, before any sampling or training starts.
import { describe, expect, it } from 'vitest';
import { SPECTRUM_LIMITS } from '../../src-shared/contract/ntk-spectrum';
import { TRAIN_LIMITS } from '../../src-shared/contract/train-dynamics';
import { TRAINABILITY_LIMITS } from '../../src-shared/contract/trainability';
import { LR_SWEEP_LIMITS } from '../../src-shared/contract/lr-sweep';
import { LIMITS } from '../../src-shared/params';
import { runCli } from './run-cli.test-util';

const NET = ['--sigma-w2', '2', '--depth', '3', '--width', '10'];
const MEASURE = [...NET, '--samples', '100', '--seed', '1'];
const GD = [...MEASURE, '--lr', '0.1'];
const SPECTRUM = ['--sigma-w2', '2', '--width', '16', '--depths', '2'];
const SWEEP = ['--out', '/tmp/ntk-lab-flag-errors-never-created'];
const COLLAPSE = [
  ...['--classes', '3', '--per-class', '4', '--features', '8'],
  ...['--kappa-d', '2', '--kappa-c', '1', '--kappa-n', '0.5', '--t-max', '10'],
];

/** [command and args, the flag the message must name (as typed)]. */
const CASES: [string[], string][] = [
  [['measure', ...MEASURE, '--samples', '1e8'], '--samples'],
  [['measure', ...MEASURE.slice(0, -4), '--samples', '2', '--seed', '1'], '--samples'],
  [['measure', ...MEASURE, '--depth', '100001'], '--depth'],
  [['measure', ...MEASURE, '--depth', '2.5'], '--depth'],
  [['measure', ...MEASURE, '--width', '-5'], '--width'],
  [['measure', ...MEASURE, '--width', '2000000'], '--width'],
  [['measure', ...MEASURE, '--sigma-w2', '0'], '--sigma-w2'],
  [['measure', ...MEASURE, '--sigma-w2', '17'], '--sigma-w2'],
  [['measure', ...MEASURE, '--seed', '-1'], '--seed'],
  [['measure', ...MEASURE, '--pair-cos', '2'], '--pair-cos'],
  [['measure', ...MEASURE, '--method', 'magic'], '--method'],
  [['measure', ...MEASURE, '--workers', '0'], '--workers'],
  [['gd-step', ...GD, '--lr', '-1'], '--lr'],
  [['gd-step', ...GD, '--lr', 'abc'], '--lr'],
  [['gd-step', ...GD, '--samples', '2'], '--samples'],
  [['gd-step', ...GD, '--activation', 'nope'], '--activation'],
  [['gd-step', ...GD, '--scale', '0'], '--scale'],
  [['gd-step', ...GD, '--method', 'dense', '--backend', 'bogus'], '--backend'],
  [['gd-step', ...GD, '--backend', 'wasm'], '--backend'], // method exact runs on the float64 sampler
  [['gd-step', ...GD, '--method', 'exact', '--backend', 'webgpu'], '--backend'],
  [['ntk-spectrum', ...SPECTRUM, '--depths', '0'], '--depths'],
  [['ntk-spectrum', ...SPECTRUM, '--depths', '2,x'], '--depths'],
  [['ntk-spectrum', ...SPECTRUM, '--width', '4'], '--width'],
  [['ntk-spectrum', ...SPECTRUM, '--samples', '1'], '--samples'],
  [['ntk-spectrum', ...SPECTRUM, '--input-cos', '1'], '--input-cos'],
  [['ntk-spectrum', ...SPECTRUM, '--inputs', '99'], '--inputs'],
  [['train-dynamics', '--depth', '500'], '--depth'],
  [['train-dynamics', '--lr', '0'], '--lr'],
  [['train-dynamics', '--batch-size', '0'], '--batch-size'],
  [['train-dynamics', '--record-at', '0,99999'], '--record-at'],
  [['train-dynamics', '--record-at', '5,x'], '--record-at'],
  [['train-dynamics', '--width', '0'], '--width'],
  [['train-dynamics', '--backend', 'quantum'], '--backend'],
  [['lr-sweep', '--depths', '0'], '--depths'],
  [['lr-sweep', '--depths', '2,0'], '--depths'],
  [['lr-sweep', '--rhos', '1,1'], '--rhos'],
  [['lr-sweep', '--rhos', '0'], '--rhos'],
  [['lr-sweep', '--steps', '0'], '--steps'],
  [['lr-sweep', '--width', '0'], '--width'],
  [['lr-sweep', '--sigma-w2', '0'], '--sigma-w2'],
  [['trainability', ...SWEEP, '--width', '0'], '--width'],
  [['trainability', ...SWEEP, '--steps', '0'], '--steps'],
  [['trainability', ...SWEEP, '--rho', '-1'], '--rho'],
  [['trainability', ...SWEEP, '--sigma-w2', '0,1'], '--sigma-w2'],
  [['trainability', ...SWEEP, '--depth', '2.5,3'], '--depth'],
  [['trainability', ...SWEEP, '--depth', '0,3'], '--depth'],
  [['trainability', ...SWEEP, '--depth-to-width', '-1,1'], '--depth-to-width'],
  [['trainability', '--out', '/proc/ntk-lab-test'], '--out'],
  [['theory', ...NET, '--sigma-w2', '0'], '--sigma-w2'],
  [['theory', ...NET, '--depth', '0'], '--depth'],
  [['meanfield', '--activation', 'tanh', '--sigma-w2', '0', '--sigma-b2', '0'], '--sigma-w2'],
  [['meanfield', '--activation', 'tanh', '--sigma-w2', '1', '--sigma-b2', '-1'], '--sigma-b2'],
  [['meanfield', '--activation', 'nope', '--sigma-w2', '1', '--sigma-b2', '0'], '--activation'],
  [['critical', '--activation', 'tanh', '--sigma-b2', '-1'], '--sigma-b2'],
  [['qc-map', '--activation', 'relu', '--q', '0', '--c', '0.5'], '--q'],
  [['qc-map', '--activation', 'relu', '--q', '1', '--c', '2'], '--c'],
  [['freeze-chaos', '--activation', 'relu', '--beta', '2', '--depth', '3', '--cos', '0.5'], '--beta'],
  [['freeze-chaos', '--activation', 'relu', '--beta', '0.5', '--depth', '0', '--cos', '0.5'], '--depth'],
  [['dks', '--activation', 'tanh', '--zeta', '0.5', '--depth', '3'], '--zeta'],
  [['dks', '--activation', 'tanh', '--zeta', '1.5', '--depth', '0'], '--depth'],
  [['collapse-sim', ...COLLAPSE, '--classes', '1'], '--classes'],
  [['collapse-sim', ...COLLAPSE, '--t-max', '0'], '--t-max'],
];

/** Contract field spellings that must never reach a CLI user: `samples:`, `depths.0`, camelCase field names. */
const INTERNAL = /(^|[\s(:])(?:[a-z]+(?:\.\d+)+|[a-z]+[A-Z]\w*)(?=[:\s]|$)|\bsamples: |\blr: lr\b/;

/** Repeated flags are refused, so a row's flag replaces the base args' copy of it. */
function dedupe(args: string[]): string[] {
  const [cmd, ...rest] = args;
  const last = new Map<string, number>();
  for (let i = 0; i < rest.length; i++) if (rest[i].startsWith('--')) last.set(rest[i], i);
  const out: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i].startsWith('--') && last.get(rest[i]) !== i) {
      if (!(rest[i + 1] ?? '--').startsWith('--')) i++;
      continue;
    }
    out.push(rest[i]);
  }
  return [cmd, ...out];
}

describe('ntk-lab: every rejected flag is named as typed', () => {
  it.each(CASES.map(([args, flag]) => [dedupe(args).join(' '), dedupe(args), flag] as const))(
    '%s',
    async (_label, args, flag) => {
      const r = await runCli(args);
      const first = r.stderr.split('\n')[0];
      expect(r.code, r.stderr).toBe(2);
      expect(first).toContain(flag);
      expect(first.replace(/--[a-z0-9-]+/g, '')).not.toMatch(INTERNAL);
      expect(r.stderr).toContain(`(see ntk-lab ${args[0]} --help)`);
      expect(r.stdout).toBe('');
    },
  );
});

describe('ntk-lab <command> --help states the limits its checks enforce', () => {
  const net = [`≤ ${LIMITS.sigmaW2Max}`, `1–${LIMITS.depthMax}`, `1–${LIMITS.widthMax}`, `1–${LIMITS.inputDimMax}`];
  it.each([
    ['measure', [...net, `3–${LIMITS.samplesMax}`]],
    ['gd-step', [...net, `3–${LIMITS.samplesMax}`]],
    ['theory', net],
    [
      'ntk-spectrum',
      [`1–${SPECTRUM_LIMITS.widthMax}`, `1–${SPECTRUM_LIMITS.depthMax}`, `3–${SPECTRUM_LIMITS.samplesMax}`],
    ],
    ['train-dynamics', [`1–${TRAIN_LIMITS.depthMax}`, `≤ ${TRAIN_LIMITS.lrMax}`, `0–${TRAIN_LIMITS.stepsMax}`]],
    ['lr-sweep', [`at most ${LR_SWEEP_LIMITS.depthsMax}`, `${LR_SWEEP_LIMITS.rhoMin}–${LR_SWEEP_LIMITS.rhoMax}`]],
    ['trainability', [`1–${TRAINABILITY_LIMITS.depthMax}`, `${TRAINABILITY_LIMITS.cellsMax} cells`, '(0, 16]']],
    ['meanfield', ['≤ 1e6']],
  ] as const)('%s', async (command, limits) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    for (const limit of limits) expect(r.stdout).toContain(limit);
  });
});
