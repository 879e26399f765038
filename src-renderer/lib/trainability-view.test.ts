import { describe, expect, it } from 'vitest';
import { parseTrainabilityParams, type CellRecord, type GridSpec } from '../../src-shared/contract/trainability';

const GRID: GridSpec = { sigmaW2: { min: 0.5, max: 4, count: 8 }, depth: { values: [2, 5, 10, 20, 30, 40] } };
import {
  MAP_STATUS,
  criticalSigmaW2,
  equicorrelatedGram,
  kernelRecursion,
  meanfieldPoint,
  ntkSpectrum,
  pairRecursion,
} from '../../src-shared/theory/meanfield';
import { scriptedLab } from './fake-lab.test-util';
import {
  NONE_RGB,
  PLANE_CSV_HEADER,
  QUADRATURE_Q_MAX,
  SweepSession,
  asymptoteRows,
  axisValues,
  cellCost,
  cellTiles,
  coarseToFine,
  contourLines,
  depthScaleContours,
  etaRows,
  gridPoints,
  log10DepthOverXi,
  noneRanges,
  ntkAlongDepth,
  paintTheory,
  parseSpectrumOutput,
  parseTrainabilityOutput,
  planeDomain,
  planeRows,
  runFor,
  spectrumRows,
  sweepEta,
  theoryColumns,
  tileEdges,
  type SweepView,
  type TheoryColumns,
} from './trainability-view';

const run = <T>(g: Generator<unknown, T>): T => {
  const r = runFor(g, Number.POSITIVE_INFINITY);
  if (!r.done) throw new Error('generator did not finish');
  return r.value;
};

const columns = (activation: string, sigmaB2: number, nx = 80): TheoryColumns =>
  run(theoryColumns(activation, sigmaB2, [0.25, 4.25], nx));

const cell = (sigmaW2: number, depth: number, extra: Partial<CellRecord> = {}): CellRecord => ({
  sigmaW2,
  depth,
  depthToWidth: depth / 128,
  width: 128,
  lr: 0.1,
  etaTheory: 0.3,
  trainAccuracy: 0.9,
  testAccuracy: 0.8,
  trainLoss: 0.05,
  steps: 300,
  diverged: false,
  seconds: 2,
  ...extra,
});

describe('grid and tiles', () => {
  it('expands an 8 × 6 grid to 8 × 6 cells with tiles that meet at midpoints', () => {
    expect(axisValues({ min: 0.5, max: 4, count: 8 })).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]);
    const g = gridPoints(GRID, 128);
    expect(g.depths).toEqual([2, 5, 10, 20, 30, 40]);
    expect(tileEdges(g.depths)).toEqual([0.5, 3.5, 7.5, 15, 25, 35, 45]);
    expect(tileEdges([3])).toEqual([2.5, 3.5]);
    // λ axis: L = max(1, round(λM)), duplicates merged
    expect(
      gridPoints({ sigmaW2: { values: [1] }, depthToWidth: { values: [0, 0.001, 0.1, 0.1004] } }, 128).depths,
    ).toEqual([1, 13]);
    expect(planeDomain(GRID, 'depth', 128)).toEqual({ x: [0.25, 4.25], y: [0, 45] });
    expect(planeDomain(GRID, 'depthToWidth', 128).y[1]).toBeCloseTo(45 / 128, 15);
  });

  it('places finished cells on their tiles and skips cells off the grid', () => {
    const tiles = cellTiles([cell(2, 10), cell(0.5, 40), cell(2.2, 10)], GRID, 'depth', 128);
    expect(tiles.map((t) => [t.x0, t.x1, t.y0, t.y1])).toEqual([
      [1.75, 2.25, 7.5, 15],
      [0.25, 0.75, 35, 45],
    ]);
  });
});

describe('theory columns', () => {
  it('visits every column once, coarse first', () => {
    const order = coarseToFine(50);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(order.slice(0, 4)).toEqual([0, 16, 32, 48]);
  });

  it('yields between columns so a frame budget can stop it', () => {
    let t = 0;
    const gen = theoryColumns('relu', 0, [0.25, 4.25], 40);
    expect(runFor(gen, 3, () => t++).done).toBe(false); // 3 ticks of the fake clock: stopped early
    expect(run(gen).count).toBe(40);
  });

  it('ReLU: ξ₁ = −1/log(σ_w²/2) below 2, no finite fixed point above (σ_b² = 0 and > 0)', () => {
    for (const b of [0, 0.1]) {
      const c = columns('relu', b);
      for (let i = 0; i < c.xs.length; i++) {
        if (c.xs[i] < 2) {
          expect(c.status[i]).toBe(MAP_STATUS.ordered);
          expect(c.xi[i]).toBeCloseTo(-1 / Math.log(c.xs[i] / 2), 9);
        } else expect(c.status[i]).toBe(MAP_STATUS.none);
      }
      // the hatched range starts at the first column right of σ_w² = 2 and runs to the window's edge
      const r = noneRanges(c, [0.25, 4.25]);
      expect(r).toHaveLength(1);
      expect(r[0].x0).toBeCloseTo(2, 12); // 2 is a column edge for 80 columns of 0.05
      expect(r[0].x1).toBeCloseTo(4.25, 12);
    }
  });

  it('paints grey (never a colour) where there is no fixed point, and counts it', () => {
    const c = columns('relu', 0.1, 40);
    const ny = 10;
    const px = new Uint8ClampedArray(4 * 40 * ny);
    const { none } = paintTheory(c, ny, [0, 60], 'depth', 128, px);
    const noneCols = Array.from(c.status).filter((s) => s === MAP_STATUS.none).length;
    expect(none).toBe(noneCols * ny);
    const last = 4 * (ny * 40 - 1);
    expect([...px.subarray(last, last + 3)]).toEqual([...NONE_RGB]);
    expect(log10DepthOverXi(c, 39, 10)).toBeNaN();
    expect(() => paintTheory(c, ny, [0, 60], 'depth', 128, new Uint8ClampedArray(8))).toThrow(RangeError);
  });

  it('rejects bad input with RangeError', () => {
    expect(() => columns('nope', 0)).toThrow(/activation/);
    expect(() => columns('relu', Number.NaN)).toThrow(RangeError);
    expect(() => columns('relu', -1)).toThrow(RangeError);
    expect(() => run(theoryColumns('relu', 0, [1, 0.5], 10))).toThrow(RangeError);
    expect(() => run(theoryColumns('relu', 0, [0.25, 4], 1e9))).toThrow(RangeError);
  });
});

describe('contours', () => {
  it('a level set of a linear field is the straight line, with the border runs removed', () => {
    // f(i, j) = i − j on 20 × 20 samples: level 0 is the diagonal u = v
    const n = 20;
    const f = Float64Array.from({ length: n * n }, (_, k) => (k % n) - Math.floor(k / n));
    const lines = contourLines(f, n, n, 0);
    expect(lines).toHaveLength(1);
    for (const [u, v] of lines[0]) expect(Math.abs(u - v)).toBeLessThanOrEqual(0.5 + 1e-12);
    // a field entirely above the level gives only border runs: no line at all
    expect(contourLines(new Float64Array(n * n).fill(1), n, n, 0)).toEqual([]);
  });

  // Independent check: each vertex of the d3-contour line L = c·ξ lies on the curve c·ξ(σ_w²) computed by
  // meanfieldPoint (fixedPoint + depthScales, not the map), up to one grid cell in σ_w² and one in depth.
  const cases: [string, number][] = [
    ['relu', 0.05],
    ['erf', 0.05],
    ['tanh', 0],
  ];
  for (const [act, b] of cases) {
    it(`${act}, σ_b² = ${b}: c·ξ₁ and c·ξ* lines follow the theory's depth scales`, () => {
      const nx = 80;
      const ny = 60;
      const c = 6;
      const x: [number, number] = [0.25, 4.25];
      const y: [number, number] = [0, 60];
      const cols = run(theoryColumns(act, b, x, nx));
      const lines = depthScaleContours(cols, c, y, 'depth', 128, ny);
      const dx = (x[1] - x[0]) / nx;
      const dy = (y[1] - y[0]) / ny;
      const sides = [['ordered', 'xi1'] as const, ...(act === 'relu' ? [] : [['chaotic', 'xiStar'] as const])];
      for (const [side, key] of sides) {
        expect(lines[side].length).toBeGreaterThan(0);
        let vertices = 0;
        for (const line of lines[side]) {
          for (const [xv, yv] of line.filter((_, k) => k % 3 === 0)) {
            const f = (s: number) => {
              const p = meanfieldPoint(act, s, b);
              return p[key] === null ? (p.phase === 'critical' ? Infinity : Number.NaN) : c * (p[key] as number);
            };
            const vals = [f(xv - dx), f(xv), f(xv + dx)].filter((v) => !Number.isNaN(v));
            expect(vals.length).toBeGreaterThan(0);
            expect(yv).toBeGreaterThanOrEqual(Math.min(...vals) - dy);
            expect(yv).toBeLessThanOrEqual(Math.max(...vals) + dy);
            vertices++;
          }
        }
        expect(vertices).toBeGreaterThan(8);
      }
      if (act === 'relu') expect(lines.chaotic).toEqual([]); // no finite fixed point on the chaotic side
    });
  }

  it('the λ axis is the depth axis divided by M', () => {
    const cols = columns('erf', 0.05, 40);
    const a = depthScaleContours(cols, 6, [0, 60], 'depth', 100, 30);
    const b = depthScaleContours(cols, 6, [0, 0.6], 'depthToWidth', 100, 30);
    expect(b.ordered.length).toBe(a.ordered.length);
    a.ordered[0].forEach(([xv, yv], k) => {
      expect(b.ordered[0][k][0]).toBeCloseTo(xv, 12);
      expect(b.ordered[0][k][1] * 100).toBeCloseTo(yv, 9);
    });
    expect(() => depthScaleContours(cols, 0, [0, 60], 'depth', 100, 30)).toThrow(RangeError);
  });
});

describe('NTK along depth', () => {
  it('linear φ, σ_b² = 0: Θ⁽ᴸ⁾ = L·σ_w^{2(L−1)}·K⁽¹⁾ exactly', () => {
    const s = 1.3;
    const c0 = 0.4;
    const curve = run(ntkAlongDepth('linear', s, 0, c0, 30));
    for (const l of curve.layers) {
      const f = l.depth * s ** (l.depth - 1);
      expect(l.p / (f * s)).toBeCloseTo(1, 12);
      expect(l.pab / (f * s * c0)).toBeCloseTo(1, 12);
    }
    // η_theory = 2B/λ_max with λ_max = p + (B − 1)p_ab
    const B = 16;
    const eta = etaRows(curve, B);
    eta.forEach((r) => {
      const f = r.depth * s ** (r.depth - 1);
      expect(r.eta / ((2 * B) / (f * s * (1 + (B - 1) * c0)))).toBeCloseTo(1, 12);
    });
  });

  it('tanh, chaotic: the Mehler-series shortcut equals the 2-D quadrature of pairRecursion', () => {
    const [sW, sB, c0, L] = [3, 0.05, 0.5, 25];
    const curve = run(ntkAlongDepth('tanh', sW, sB, c0, L));
    const ref = pairRecursion('tanh', sW, sB, sW + sB, (sW * c0 + sB) / (sW + sB), L - 1);
    for (let l = 0; l < L; l++) {
      const a = curve.layers[l];
      const b = ref.steps[l];
      expect(Math.abs(a.pab / b.pab - 1)).toBeLessThan(1e-10);
      expect(Math.abs(a.p / b.p - 1)).toBeLessThan(1e-12);
    }
  });

  it('GELU without a fixed point: stops (and says where) instead of spending seconds per layer in 2-D quadrature', () => {
    const t0 = performance.now();
    const curve = run(ntkAlongDepth('gelu', 3, 0.05, 0.5, 100));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(curve.stoppedAt).toBe(curve.layers.length + 1);
    expect(curve.layers[curve.layers.length - 1].q).toBeLessThanOrEqual(QUADRATURE_Q_MAX * 10);
    expect(curve.layers[curve.layers.length - 1].q).toBeGreaterThan(QUADRATURE_Q_MAX / 10);
  });

  it('equals kernelRecursion on the full m×m Gram matrix (ReLU, σ_b² > 0) and its Jacobi spectrum', () => {
    const [sW, sB, c0, m, L] = [1.7, 0.2, 0.3, 5, 12];
    const curve = run(ntkAlongDepth('relu', sW, sB, c0, L));
    const k1 = equicorrelatedGram(m, sW + sB, sW * c0 + sB);
    const full = kernelRecursion({ activation: 'relu', sigmaW2: sW, sigmaB2: sB, gram0: k1, m, depth: L - 1 });
    const last = curve.layers[L - 1];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) expect(full.theta[i * m + j] / (i === j ? last.p : last.pab)).toBeCloseTo(1, 12);
    }
    const s = ntkSpectrum(full.theta, m);
    const row = spectrumRows(curve, m)[L - 1];
    expect(row.lambdaMax / s.lambdaMax).toBeCloseTo(1, 10);
    expect(row.bulk / s.lambdaRest).toBeCloseTo(1, 10);
  });

  it('critical ReLU: κ → (m+3)/3 with an O(1/L) gap (seed 001 eq. 46); λ_max matches Table 1 to leading order', () => {
    const m = 12;
    const curve = run(ntkAlongDepth('relu', 2, 0, 0.5, 4000));
    const at = (L: number) => spectrumRows({ layers: [curve.layers[L - 1]], beyondFloat64At: null }, m)[0];
    const gap = (L: number) => (at(L).kappa as number) - (m + 3) / 3;
    expect(gap(1000)).toBeGreaterThan(0);
    expect(gap(4000)).toBeLessThan(0.03);
    expect(gap(1000) / gap(4000)).toBeGreaterThan(3); // ~ 1/L: quadrupling L cuts the gap ~4×
    expect(gap(1000) / gap(4000)).toBeLessThan(5);
    const asym = asymptoteRows('relu', 2, 0, m, [4000])![0];
    expect(asym.kappa).toBeCloseTo((m + 3) / 3, 12);
    expect(at(4000).lambdaMax / asym.lambdaMax).toBeCloseTo(1, 2);
  });

  it('critical erf: κ → (m+2)/2 (Table 1, smooth φ)', () => {
    const m = 12;
    const crit = criticalSigmaW2('erf', 0.1849);
    if (crit.kind !== 'found') throw new Error(crit.reason);
    const curve = run(ntkAlongDepth('erf', crit.sigmaW2, 0.1849, 0.5, 3000));
    const kappa = spectrumRows({ layers: [curve.layers[2999]], beyondFloat64At: null }, m)[0].kappa as number;
    expect(Math.abs(kappa - (m + 2) / 2)).toBeLessThan(0.05);
  });

  it('ordered ReLU with σ_b² > 0: λ_max → m·p*, p* = q*/(1 − χ₁) (seed 001 eq. 18)', () => {
    const [sW, sB, m] = [1.5, 0.3, 8];
    const qStar = sB / (1 - sW / 2);
    const pStar = qStar / (1 - sW / 2);
    const curve = run(ntkAlongDepth('relu', sW, sB, 0.2, 300));
    // 1e-7, not 1e-15: the arc-cosine 𝒯̇ loses digits at c → 1 (acos(1 − δ) ≈ √(2δ), δ ~ 1e-16 gives ~1e-8)
    expect(spectrumRows(curve, m)[299].lambdaMax / (m * pStar)).toBeCloseTo(1, 6);
    expect(asymptoteRows('relu', sW, sB, m, [300])![0].lambdaMax / (m * pStar)).toBeCloseTo(1, 12);
  });

  it('stops before float64 overflows (deep chaotic) and has no asymptotes without a finite fixed point', () => {
    const curve = run(ntkAlongDepth('relu', 4, 0, 0.5, 5000));
    expect(curve.beyondFloat64At).not.toBeNull();
    expect(curve.layers.length).toBe((curve.beyondFloat64At as number) - 1);
    for (const l of curve.layers) expect(Number.isFinite(l.p) && Number.isFinite(l.pab)).toBe(true);
    expect(asymptoteRows('relu', 4, 0, 8, [10])).toBeNull();
    expect(() => run(ntkAlongDepth('relu', 2, 0, 1.5, 10))).toThrow(RangeError);
    expect(() => run(ntkAlongDepth('relu', 2, 0, 0.5, 0))).toThrow(RangeError);
    expect(() => spectrumRows(curve, 1)).toThrow(RangeError);
    expect(() => etaRows(curve, 0)).toThrow(RangeError);
  });
});

describe('exports and wire outputs', () => {
  it('plane rows: one theory row per computed column, one per cell, all the header wide', () => {
    const cols = columns('relu', 0, 20);
    const rows = planeRows(cols, 6, [cell(1, 5)], 128);
    expect(rows.length).toBe(21);
    for (const r of rows) expect(r.length).toBe(PLANE_CSV_HEADER.length);
    const ordered = rows.find((r) => r[0] === 'theory' && r[4] === 'ordered')!;
    expect(ordered[7]).toBeCloseTo(6 * (-1 / Math.log((ordered[1] as number) / 2)), 9);
    const none = rows.find((r) => r[0] === 'theory' && r[4] === 'none')!;
    expect(none[6]).toBeNull();
    expect(rows[20].slice(0, 3)).toEqual(['cell', 1, 5]);
  });

  it('parses trainability and ntk-spectrum outputs, rejecting malformed ones', () => {
    const ok = parseTrainabilityOutput({
      kind: 'trainability',
      backend: 'wasm',
      progress: { cell: cell(1, 2), done: 1, total: 4 },
    });
    expect(ok?.progress?.cell.depth).toBe(2);
    expect(
      parseTrainabilityOutput({
        kind: 'trainability',
        backend: 'wasm',
        progress: { cell: { sigmaW2: 1 }, done: 1, total: 4 },
      }),
    ).toBeNull();
    expect(parseTrainabilityOutput({ kind: 'measure' })).toBeNull();
    const e = { estimate: 1, stderr: 0.1 };
    expect(
      parseSpectrumOutput({ kind: 'ntk-spectrum', point: { depth: 3, lambdaMax: e, bulk: e, kappa: e, samples: 8 } }),
    ).toHaveLength(1);
    expect(
      parseSpectrumOutput({ kind: 'ntk-spectrum', points: [{ depth: 3, lambdaMax: e, bulk: 1, kappa: e }] }),
    ).toBeNull();
  });
});

describe('sweep session', () => {
  const params = parseTrainabilityParams({
    grid: { sigmaW2: { values: [1, 3] }, depth: { values: [2, 10] } },
    dataset: 'synthetic',
    width: 16,
    steps: 5,
  });

  it('ETA scales the finished cells’ seconds by the remaining cells’ parameter counts', () => {
    const n0 = 32;
    const done = [cell(1, 2, { seconds: 4 })];
    const eta = sweepEta(params, done)!;
    const perCost = 4 / cellCost(2, 16, n0);
    expect(eta).toBeCloseTo(perCost * (cellCost(10, 16, n0) * 2 + cellCost(2, 16, n0)), 9);
    expect(sweepEta(params, [])).toBeNull();
  });

  it('start → cells stream in → pause cancels → resume restarts the same params and keeps the cells → complete', async () => {
    const s = scriptedLab();
    const views: SweepView[] = [];
    const session = new SweepSession(s.lab, (v) => views.push(v));
    session.start(params);
    expect(s.specJobs).toHaveLength(1);
    expect((s.specJobs[0].spec as unknown as { kind: string }).kind).toBe('trainability');
    expect(session.view).toMatchObject({ status: 'running', done: 0, total: 4 });
    const out = (c: CellRecord, done: number) => ({
      kind: 'trainability',
      backend: 'wasm',
      progress: { cell: c, done, total: 4 },
    });
    s.specJobs[0].progress(out(cell(1, 2), 1) as never);
    expect(session.view).toMatchObject({ status: 'running', done: 1, total: 4, backend: 'wasm' });
    expect(session.view.etaSeconds).toBeGreaterThan(0);

    session.pause();
    expect(s.specJobs[0].cancelled).toBe(true);
    expect(session.view.status).toBe('paused');
    expect(session.view.cells).toHaveLength(1);

    session.resume();
    expect(s.specJobs).toHaveLength(2);
    expect(JSON.stringify(s.specJobs[1].spec)).toBe(JSON.stringify(s.specJobs[0].spec));
    // the service re-emits the stored cell first: no duplicate
    s.specJobs[1].progress(out(cell(1, 2), 1) as never);
    s.specJobs[1].progress(out(cell(3, 2), 2) as never);
    expect(session.view.cells).toHaveLength(2);
    s.specJobs[1].resolve({
      kind: 'trainability',
      backend: 'wasm',
      summary: { total: 4, done: 4, resumed: 1, trained: 3, diverged: 0, status: 'complete', dir: '/x', seconds: 9 },
    } as never);
    await s.specJobs[1].spec; // let the promise callbacks run
    await Promise.resolve();
    expect(session.view.status).toBe('complete');
    expect(session.view.summary?.resumed).toBe(1);
    expect(views.every((v, k) => k === 0 || v.version > views[k - 1].version)).toBe(true);
  });

  it('a lab that refuses the job kind ends in an error with its message; new params clear the cells', async () => {
    const s = scriptedLab();
    const session = new SweepSession(s.lab, () => {});
    session.start(params);
    s.specJobs[0].progress({
      kind: 'trainability',
      backend: 'cpu',
      progress: { cell: cell(1, 2), done: 1, total: 4 },
    } as never);
    s.specJobs[0].fail('bad-request', 'unknown job kind "trainability"');
    await Promise.resolve();
    await Promise.resolve();
    expect(session.view.status).toBe('error');
    expect(session.view.error).toMatch(/unknown job kind/);
    expect(session.view.cells).toHaveLength(1);
    session.start({ ...params, seed: 7 });
    expect(session.view.cells).toHaveLength(0);
    session.cancel();
    expect(s.specJobs[1].cancelled).toBe(true);
    expect(session.view.status).toBe('cancelled');
  });
});
