import { describe, expect, it } from 'vitest';
import { cellSeed, layerSchedule } from './measured-layer';
import { config } from './measured-layer.test-util';

describe('layerSchedule', () => {
  it('has 8 × 6, 16 × 12, 32 × 24 … grids, coarse levels first, row-major inside a level', () => {
    const s = layerSchedule(config({ width: 200, levels: 4 }));
    expect(s.grids).toEqual([
      { nx: 8, ny: 6 },
      { nx: 16, ny: 12 },
      { nx: 32, ny: 24 },
      { nx: 64, ny: 48 },
    ]);
    expect(s.levelOffsets).toEqual([0, 48, 48 + 192, 48 + 192 + 768]);
    expect(s.cells.length).toBe(48 + 192 + 768 + 3072);
    s.cells.forEach((c, k) => {
      expect(c.index).toBe(k);
      expect(k).toBe(s.levelOffsets[c.level] + c.j * c.nx + c.i);
    });
    // launch order: job levels never decrease, and every job of level l comes before any of level l + 1
    for (let k = 1; k < s.jobs.length; k++) expect(s.jobs[k].level).toBeGreaterThanOrEqual(s.jobs[k - 1].level);
  });

  it('puts each cell at its centre with L = max(1, round(λM)) and the job measuring exactly that network', () => {
    const width = 37;
    const s = layerSchedule(config({ width, levels: 3 }));
    for (const c of s.cells) {
      const sigma = 0.5 + ((c.i + 0.5) * 3.5) / c.nx;
      const lambda = ((c.j + 0.5) * 1.5) / c.ny;
      expect(c.sigmaW2).toBeCloseTo(sigma, 12);
      expect(c.depthToWidth).toBeCloseTo(lambda, 12);
      expect(c.depth).toBe(Math.max(1, Math.round(lambda * width)));
      const job = s.jobs[c.job];
      expect(job.cells).toContain(c.index);
      expect([job.sigmaW2, job.depth]).toEqual([c.sigmaW2, c.depth]);
    }
    // spot values: level 0 cell (1, 2) sits at σ_w² = 0.5 + 1.5·0.4375, λ = 2.5·0.25
    const c = s.cells[2 * 8 + 1];
    expect([c.sigmaW2, c.depthToWidth, c.depth]).toEqual([1.15625, 0.625, Math.round(0.625 * width)]);
  });

  it('never measures a network twice, nor a cell centre twice, and every cell belongs to one job', () => {
    for (const width of [1, 3, 30, 200]) {
      const s = layerSchedule(config({ width, levels: 4 }));
      const networks = new Set(s.jobs.map((j) => `${j.sigmaW2}|${j.depth}`));
      expect(networks.size).toBe(s.jobs.length);
      const centres = new Set(s.cells.map((c) => `${c.sigmaW2}|${c.depthToWidth}`));
      expect(centres.size).toBe(s.cells.length); // refinements only add new centres
      const owned = s.jobs.flatMap((j) => j.cells).sort((a, b) => a - b);
      expect(owned).toEqual(s.cells.map((c) => c.index));
    }
    // at M = 3 many rows share a depth: they share one job (one network, one result)
    const small = layerSchedule(config({ width: 3, levels: 1 }));
    expect(small.jobs.length).toBe(8 * new Set(small.cells.map((c) => c.depth)).size);
    expect(small.jobs.length).toBeLessThan(small.cells.length);
  });

  it('nests the grids: a cell is exactly the union of its four children', () => {
    const s = layerSchedule(config({ levels: 3 }));
    const half = (c: { sigmaW2: number; depthToWidth: number; nx: number; ny: number }) => [
      3.5 / c.nx / 2,
      1.5 / c.ny / 2,
    ];
    for (const c of s.cells.filter((c) => c.level < 2)) {
      const [hs, hl] = half(c);
      const kids = [0, 1].flatMap((a) =>
        [0, 1].map((b) => s.cells[s.levelOffsets[c.level + 1] + (2 * c.j + b) * 2 * c.nx + 2 * c.i + a]),
      );
      for (const k of kids) {
        const [ks, kl] = half(k);
        expect(ks).toBeCloseTo(hs / 2, 12);
        expect(kl).toBeCloseTo(hl / 2, 12);
        expect(Math.abs(Math.abs(k.sigmaW2 - c.sigmaW2) - ks)).toBeLessThan(1e-12);
        expect(Math.abs(Math.abs(k.depthToWidth - c.depthToWidth) - kl)).toBeLessThan(1e-12);
      }
    }
  });

  it('gives each cell its own reproducible seed', () => {
    const a = layerSchedule(config({ seed: 7 }));
    const b = layerSchedule(config({ seed: 7 }));
    expect(a.jobs.map((j) => j.seed)).toEqual(b.jobs.map((j) => j.seed));
    const seeds = new Set(a.jobs.map((j) => j.seed));
    expect(seeds.size).toBe(a.jobs.length);
    for (const j of a.jobs) expect(Number.isInteger(j.seed) && j.seed >= 0 && j.seed < 2 ** 32).toBe(true);
    expect(cellSeed(7, 0, 1, 2)).not.toBe(cellSeed(8, 0, 1, 2));
  });

  it('rejects bad configurations with a RangeError', () => {
    for (const bad of [
      { width: 0 },
      { width: Number.NaN },
      { width: 2.5 },
      { inputDim: -1 },
      { samples: 2 },
      { samples: Number.POSITIVE_INFINITY },
      { seed: -1 },
      { seed: 2 ** 32 },
      { levels: 0 },
      { levels: 6 },
    ]) {
      expect(() => layerSchedule(config(bad)), JSON.stringify(bad)).toThrow(RangeError);
    }
    expect(() => layerSchedule(config({ width: 100_000 }))).toThrow(/exceeds 100000/); // L = 1.5·10⁵ > depthMax
  });
});
