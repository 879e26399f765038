import { describe, expect, it } from 'vitest';
import type { GdStepResult } from '../../src-shared/contract/gd-step';
import { PLANE } from './plane';
import type { GdPoint } from './gd-step-jobs';
import {
  OUTLIER_SPAN,
  sliceYDomain,
  WHISKER_SPAN,
  divergedText,
  effectiveLr,
  flagOf,
  formatRelative,
  GD_STEP_DEFAULTS,
  gdExportJson,
  gdLayerSchedule,
  gdStepJobParams,
  gdTarget,
  layerCsvText,
  layerProgress,
  layerTiles,
  lazyKey,
  resultParams,
  lazyPrediction,
  lazyScaleNote,
  log10Domain,
  RESULT_COLUMNS,
  sliceCsvText,
  sliceSchedule,
  theoryStatement,
  chaoticBoundAt,
  chaoticBoundCurve,
  chaoticBoundUnavailable,
} from './gd-step-view';

const net = { sigmaW2: 2.2, depth: 10, width: 20, inputDim: 20 };

export const gdResult = (over: Partial<GdStepResult> = {}): GdStepResult => ({
  sigmaW2: 2.2,
  depth: 10,
  width: 20,
  inputDim: 20,
  sigmaB2: 0,
  activation: 'relu',
  lr: 1e-3,
  target: 0,
  scale: 1,
  inputNorm: 1,
  samples: 200,
  samplesRequested: 200,
  seed: 1,
  method: 'exact',
  backend: 'test',
  relativeChange: { estimate: 0.05, stderr: 0.004 },
  absRelativeChange: { estimate: 0.07, stderr: 0.003 },
  meanTheta: { estimate: 12, stderr: 0.5 },
  diverged: 0,
  seconds: 0.5,
  done: true,
  ...over,
});

/** Parse our CSV back (no quoted commas in numeric rows). */
const parse = (csv: string) =>
  csv
    .trim()
    .split('\n')
    .map((l) => l.split(','));

describe('job parameters from the controls', () => {
  it('sends the controls through the contract schema unchanged, pairCos only when set', () => {
    const p = gdStepJobParams(net, GD_STEP_DEFAULTS, 64);
    expect(p).toEqual({ ...net, lr: 1e-3, target: 0, scale: 1, inputNorm: 1, samples: 64, seed: 1, method: 'exact' });
    expect('pairCos' in p).toBe(false);
    expect(gdStepJobParams(net, { ...GD_STEP_DEFAULTS, pairCos: 0.5 }, 64).pairCos).toBe(0.5);
  });

  it('rejects a bad η, y, α or N with the schema’s readable reason (never sends NaN)', () => {
    for (const lr of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => gdStepJobParams(net, { ...GD_STEP_DEFAULTS, lr }, 64)).toThrow(RangeError);
      expect(() => gdStepJobParams(net, { ...GD_STEP_DEFAULTS, lr }, 64)).toThrow(/η/);
    }
    expect(() => gdStepJobParams(net, { ...GD_STEP_DEFAULTS, scale: 0 }, 64)).toThrow(/scale \(α\) must be > 0/);
    expect(() => gdStepJobParams(net, { ...GD_STEP_DEFAULTS, target: Number.NaN }, 64)).toThrow(/target/);
    expect(() => gdStepJobParams(net, GD_STEP_DEFAULTS, 2)).toThrow(/samples \(N\) must be ≥ 3/);
    const t = gdTarget('c', net, { ...GD_STEP_DEFAULTS, lr: 0 }, 64);
    expect(t.params).toEqual({ invalid: expect.stringMatching(/η/) });
  });

  it('scales η by a^{−L} when asked (computed in log space), and refuses a value beyond float64', () => {
    expect(effectiveLr(0.01, 'fixed', 3, 500)).toBe(0.01);
    expect(effectiveLr(0.01, 'a-pow-minus-L', 2.2, 10)).toBeCloseTo(0.01 * Math.pow(1.1, -10), 15);
    expect(effectiveLr(0.01, 'a-pow-minus-L', 2, 300)).toBeCloseTo(0.01, 15); // a = 1 at the EOC
    // a = 0.25: 0.25^{−1000} = 2^{2000} overflows
    expect(() => effectiveLr(0.01, 'a-pow-minus-L', 0.5, 1000)).toThrow(/leaves float64/);
    // a finite but huge η is still caught by the contract's η ≤ 1e6
    expect(() =>
      gdStepJobParams({ ...net, sigmaW2: 1, depth: 40 }, { ...GD_STEP_DEFAULTS, lrScaling: 'a-pow-minus-L' }, 64),
    ).toThrow(/≤ 1e6/);
  });
});

describe('readout words', () => {
  it('states only the limit Thm 4.1 proves for each phase, and that no finite-size curve exists', () => {
    const ordered = theoryStatement(1, 20, 1e-3);
    expect([ordered.phase, ordered.limit]).toEqual(['ordered', 0]);
    expect(ordered.statement).toMatch(/→ 0/);
    expect(ordered.extra).toMatch(/a\^\{2L\}/);
    const chaotic = theoryStatement(2.2);
    expect([chaotic.phase, chaotic.limit]).toEqual(['chaotic', Infinity]);
    expect(chaotic.statement).toMatch(/→ ∞/);
    expect(chaotic.extra).toMatch(/O\(a⁻ᴸ\)/);
    for (const t of [ordered, chaotic]) expect(t.extra).toMatch(/Limit only/);
    const eoc = theoryStatement(2);
    expect([eoc.phase, eoc.limit]).toEqual(['edge-of-chaos', null]);
    expect(eoc.statement).toMatch(/Hanin & Nica/);
  });

  it('draws the App. A.3 chaotic expression only under its assumptions, linear in the η actually sent', () => {
    expect(chaoticBoundUnavailable(GD_STEP_DEFAULTS, 'abs')).toBe('');
    expect(chaoticBoundUnavailable(GD_STEP_DEFAULTS, 'signed')).toMatch(/E\[\|ΔΘ\|\]/);
    expect(chaoticBoundUnavailable({ target: 1, inputNorm: 2, scale: 1 }, 'abs')).toMatch(/y = 0, ‖x‖ = 1/);
    const fixed = chaoticBoundAt(net, GD_STEP_DEFAULTS);
    expect(fixed).toBeGreaterThan(0);
    // η₀·a^{−L}: the expression is 2η·E[…]/E[Θ], so it scales by exactly a^{−L} = 1.1^{−10}
    expect(chaoticBoundAt(net, { ...GD_STEP_DEFAULTS, lrScaling: 'a-pow-minus-L' }) / fixed).toBeCloseTo(
      Math.pow(1.1, -10),
      12,
    );
    expect(chaoticBoundAt(net, { ...GD_STEP_DEFAULTS, lr: 2e-3 }) / fixed).toBeCloseTo(2, 12);
    expect(Number.isNaN(chaoticBoundAt({ ...net, sigmaW2: 2 }, GD_STEP_DEFAULTS))).toBe(true);
    expect(Number.isNaN(chaoticBoundAt({ ...net, depth: 1 }, GD_STEP_DEFAULTS))).toBe(true);
    const curve = chaoticBoundCurve(2.2, 50, 50, GD_STEP_DEFAULTS, 1, 60);
    expect(curve.xs[0]).toBeCloseTo(2 / 50, 12);
    expect(curve.xs[curve.xs.length - 1]).toBeCloseTo(1, 12);
    expect(new Set(curve.xs).size).toBe(curve.xs.length);
    expect(curve.ys.every((v) => v > 0)).toBe(true);
    expect(chaoticBoundCurve(1, 50, 50, GD_STEP_DEFAULTS, 1).xs).toEqual([]);
  });

  it('counts overflowed steps out of all that were tried, and never prints NaN', () => {
    expect(divergedText(gdResult({ samples: 197, diverged: 3 }))).toBe('3 of 200 steps overflowed (left out)');
    expect(divergedText(gdResult())).toBe('');
    expect(formatRelative({ estimate: Number.NaN, stderr: Number.NaN })).toBe('—');
    expect(formatRelative({ estimate: 0.0512, stderr: 0.0043 })).toBe('0.0512 ± 0.0043');
    expect(lazyScaleNote(1)).toBe('');
    expect(lazyScaleNote(10)).toMatch(/÷ 100/);
  });

  it('predicts the change at α from the α = 1 measurement by 1/α² (App. B.3), keyed on everything but α', () => {
    const p = lazyPrediction(
      gdResult({ relativeChange: { estimate: 0.4, stderr: 0.04 }, absRelativeChange: { estimate: 0.5, stderr: 0.02 } }),
      2,
    );
    expect(p.relativeChange.estimate).toBeCloseTo(0.1, 15);
    expect(p.relativeChange.stderr).toBeCloseTo(0.01, 15);
    expect(p.absRelativeChange.estimate).toBeCloseTo(0.125, 15);
    expect(() => lazyPrediction(gdResult({ scale: 3 }), 2)).toThrow(RangeError);
    const a = gdStepJobParams(net, GD_STEP_DEFAULTS, 64);
    expect(lazyKey(a)).toBe(lazyKey({ ...a, scale: 7 }));
    expect(lazyKey(a)).not.toBe(lazyKey({ ...a, lr: 2e-3 }));
    // a result maps back to the parameters that asked for it
    const r = gdResult({
      sigmaW2: net.sigmaW2,
      depth: net.depth,
      width: net.width,
      inputDim: net.inputDim,
      samplesRequested: 64,
      scale: 1,
    });
    expect(lazyKey(resultParams(r))).toBe(lazyKey(a));
    expect(resultParams(r)).toEqual(a);
  });

  it('flags diverged, unresolved and negative estimates', () => {
    expect(flagOf(gdResult(), 'abs')).toBeNull();
    expect(flagOf(gdResult({ diverged: 1 }), 'abs')).toBe('diverged');
    expect(flagOf(gdResult({ relativeChange: { estimate: 0.01, stderr: 0.02 } }), 'signed')).toBe('noisy');
    expect(flagOf(gdResult({ relativeChange: { estimate: -0.05, stderr: 0.01 } }), 'signed')).toBe('negative');
    expect(flagOf(gdResult({ relativeChange: { estimate: Number.NaN, stderr: Number.NaN } }), 'signed')).toBe('noisy');
  });
});

describe('slice schedule', () => {
  it('measures each σ_w² at the realized depths max(1, round(λM)), each once', () => {
    const s = sliceSchedule([1, 2, 2.2], 200);
    expect(s.length).toBe(24);
    expect(s.filter((p) => p.series === 0).map((p) => p.depth)).toEqual([4, 10, 20, 40, 70, 100, 150, 200]);
    expect(new Set(s.map((p) => p.channel)).size).toBe(24);
    for (const p of s) expect(p.lambdaRealized).toBeCloseTo(p.depth / 200, 12);
    // M = 20: λ = 0.02 and 0.05 both give L = 1 → merged
    const small = sliceSchedule([2], 20);
    expect(small.map((p) => p.depth)).toEqual([1, 2, 4, 7, 10, 15, 20]);
    expect(() => sliceSchedule([Number.NaN], 20)).toThrow(RangeError);
    expect(() => sliceSchedule([2], 0)).toThrow(RangeError);
  });
});

describe('plane layer', () => {
  const cells = gdLayerSchedule(100);

  it('covers the Explore plane with 8 × 6 then 16 × 12 cell centres, coarse first', () => {
    expect(cells.length).toBe(48 + 192);
    expect(cells.slice(0, 48).every((c) => c.level === 0)).toBe(true);
    for (const c of cells) {
      const w = (PLANE.sigmaW2.max - PLANE.sigmaW2.min) / c.nx;
      const h = (PLANE.depthToWidth.max - PLANE.depthToWidth.min) / c.ny;
      expect(c.sigmaW2).toBeCloseTo(PLANE.sigmaW2.min + (c.i + 0.5) * w, 10);
      expect(c.depthToWidth).toBeCloseTo(PLANE.depthToWidth.min + (c.j + 0.5) * h, 10);
      expect(c.depth).toBe(Math.max(1, Math.round(c.depthToWidth * 100)));
    }
    expect(() => gdLayerSchedule(100, 3)).toThrow(RangeError);
  });

  it('draws every fine cell from its own result, its own failure, or the coarse cell that contains it', () => {
    const points: GdPoint[] = cells.map(() => ({ status: 'waiting' }));
    expect(layerTiles(cells, points, 'abs')).toEqual([]);
    // finish the coarse pass with value 10^(i) so the source is identifiable
    cells.forEach((c, k) => {
      if (c.level === 0)
        points[k] = { status: 'done', result: gdResult({ absRelativeChange: { estimate: 10 ** c.i, stderr: 0.01 } }) };
    });
    let tiles = layerTiles(cells, points, 'abs');
    expect(tiles.length).toBe(192);
    for (const t of tiles) {
      // the parent's rectangle contains the child's centre (an independent check of the i >> 1 mapping)
      const w = (PLANE.sigmaW2.max - PLANE.sigmaW2.min) / 8;
      const h = (PLANE.depthToWidth.max - PLANE.depthToWidth.min) / 6;
      expect(Math.abs(t.cell.sigmaW2 - t.source.sigmaW2)).toBeLessThan(w / 2);
      expect(Math.abs(t.cell.depthToWidth - t.source.depthToWidth)).toBeLessThan(h / 2);
      expect(t.log10).toBeCloseTo(t.source.i, 12);
    }
    const fine = cells.findIndex((c) => c.level === 1 && c.i === 5 && c.j === 3);
    const failed = cells.findIndex((c) => c.level === 1 && c.i === 6 && c.j === 3);
    points[fine] = {
      status: 'done',
      result: gdResult({ absRelativeChange: { estimate: 1e-7, stderr: 1e-9 }, diverged: 2 }),
    };
    points[failed] = { status: 'error', error: 'refused: too big' };
    tiles = layerTiles(cells, points, 'abs');
    const tf = tiles.find((t) => t.cell === cells[fine])!;
    expect(tf.source).toBe(cells[fine]);
    expect(tf.log10).toBeCloseTo(-7, 12);
    expect(tf.flag).toBe('diverged');
    const te = tiles.find((t) => t.cell === cells[failed])!;
    expect(Number.isNaN(te.log10)).toBe(true);
    expect(te.point.error).toMatch(/refused/);
    expect(log10Domain(tiles)).toEqual([-7, 7]);
    expect(layerProgress(cells, points)).toEqual({ done: 49, failed: 1, running: 0, planned: 240, level: 1 });
  });

  it('widens a flat colour domain and has none without values', () => {
    const t = { log10: 1 } as Parameters<typeof log10Domain>[0][number];
    expect(log10Domain([t, t])).toEqual([0.95, 1.05]);
    expect(log10Domain([])).toBeNull();
  });

  it('exports one CSV row per cell with the lab’s reason for failures', () => {
    const points: GdPoint[] = cells.map(() => ({ status: 'waiting' }));
    points[0] = { status: 'done', result: gdResult({ samples: 197, diverged: 3 }) };
    points[1] = { status: 'error', error: 'refused: dense, too big' };
    const csv = layerCsvText(cells, points, 100);
    const rows = parse(csv);
    expect(rows[0]).toEqual(['level', 'i', 'j', 'nx', 'ny', ...RESULT_COLUMNS]);
    expect(csv.trim().split('\n').length).toBe(241);
    const col = (name: string) => rows[0].indexOf(name);
    expect(Number(rows[1][col('absRelativeChange')])).toBe(0.07);
    expect(Number(rows[1][col('diverged')])).toBe(3);
    expect(Number(rows[1][col('sigmaW2')])).toBe(cells[0].sigmaW2);
    expect(rows[2][col('status')]).toBe('error');
    expect(csv.split('\n')[2].endsWith(',error,"refused: dense, too big"')).toBe(true); // quoted: it has a comma
    expect(rows[3][col('relativeChange')]).toBe('');
  });
});

describe('slice export', () => {
  it('has the realized λ and the series per row, and JSON names the theory it draws', () => {
    const specs = sliceSchedule([1, 2.2], 50);
    const points: GdPoint[] = specs.map(() => ({ status: 'done', result: gdResult() }));
    const rows = parse(sliceCsvText(specs, points, 50));
    expect(rows.length).toBe(specs.length + 1);
    const k = rows[0].indexOf('depthToWidth');
    expect(rows.slice(1).map((r) => Number(r[k]))).toEqual(specs.map((s) => s.depth / 50));
    const doc = JSON.parse(
      gdExportJson({
        plot: 'gd-step-slice',
        version: 't',
        width: 50,
        alpha0: 1,
        inputDim: 50,
        controls: GD_STEP_DEFAULTS,
        quantity: 'abs',
        cursor: { sigmaW2: 2, depthToWidth: 0.5, depth: 25 },
        layout: { sigmas: [1, 2.2] },
        exportedAt: 'x',
      }),
    );
    expect(doc.theory).toMatch(/Thm 4\.1/);
    expect(doc.controls.lr).toBe(GD_STEP_DEFAULTS.lr);
    expect(doc.quantity).toBe('E[|ΔΘ|] / E[Θ]');
  });
});

describe('sliceYDomain (slice plot log axis)', () => {
  const points = [
    { abs: 0.02, stderr: 0.002 },
    { abs: 0.05, stderr: 0.004 },
    { abs: 0.3, stderr: 0.03 },
  ];
  it('spans the values and their bars, padded by 1.3', () => {
    const d = sliceYDomain(points, []);
    expect(d.lo).toBeCloseTo(0.018 / 1.3, 12);
    expect(d.hi).toBeCloseTo(0.33 * 1.3, 12);
    for (const p of points) expect(d.clipped(p.abs, p.stderr)).toEqual({ top: false, bottom: false });
  });
  it('a heavy-tailed point (SE ≫ value) extends the axis by at most a decade and its bar is clipped both ways', () => {
    const heavy = { abs: 0.5, stderr: 400 };
    const d = sliceYDomain([...points, heavy], []);
    expect(d.hi).toBeCloseTo(0.5 * WHISKER_SPAN * 1.3, 12); // not 400.5·1.3
    expect(d.lo).toBeCloseTo(0.018 / 1.3, 12); // the lower bar (negative) does not drag the axis down
    expect(d.clipped(heavy.abs, heavy.stderr)).toEqual({ top: true, bottom: true });
    for (const p of points) expect(d.clipped(p.abs, p.stderr)).toEqual({ top: false, bottom: false });
  });
  it('a chaotic point at 1e120 sits beyond the axis, which keeps to 8 decades past the quartiles of the values', () => {
    const values = [0.01, 0.02, 0.05, 0.3, 1, 3, 1e120];
    const d = sliceYDomain(
      values.map((abs) => ({ abs, stderr: abs / 20 })),
      [[1e-3, 1e200]],
    );
    // quartiles (R-7, as d3.quantileSorted): 0.035 and 2; the curve's 1e200 is capped like the points
    expect(d.hi).toBeCloseTo(2 * OUTLIER_SPAN * 1.3, 0);
    expect(d.lo).toBeCloseTo(1e-3 / 1.3, 12);
    expect(d.place(1e120)).toBe('above');
    expect(d.place(3)).toBe('inside');
    expect(d.place(1e-30)).toBe('below');
    expect(values.slice(0, 6).every((v) => d.place(v) === 'inside')).toBe(true);
  });
  it('takes theory curves in, ignores non-positive values, and keeps at least a decade', () => {
    const d = sliceYDomain([{ abs: 1, stderr: 0.01 }], [[0, -1, Number.NaN, 1e-3]]);
    expect(d.lo).toBeCloseTo(1e-3 / 1.3, 12);
    const narrow = sliceYDomain([{ abs: 1, stderr: 0.01 }], []);
    expect(narrow.hi / narrow.lo).toBeCloseTo(10 * 1.3 * 1.3, 9);
    const empty = sliceYDomain([], []);
    expect([empty.lo, empty.hi]).toEqual([1e-3 / 1.3, 1.3]);
  });
});
