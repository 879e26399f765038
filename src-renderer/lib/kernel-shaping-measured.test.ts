import { describe, expect, it } from 'vitest';
import {
  dksMeasureParamsSchema,
  type DksMeasureNtkPoint,
  type DksMeasurePoint,
} from '../../src-shared/contract/dks-measure';
import { DEFAULT_SHAPING_INPUT } from './kernel-shaping-view';
import {
  measureParams,
  measuredLayers,
  measuredRows,
  ntkRows,
  ntkSeries,
  parseWidths,
  seriesByLayer,
} from './kernel-shaping-measured';

const point = (width: number, layer: number, c: number): DksMeasurePoint => ({
  width,
  layer,
  c: { estimate: c, stderr: 0.01 },
  q: { estimate: 1, stderr: 0.02 },
  predicted: { c: 0.4 + layer / 100, q: 1 },
  samples: 10,
  seconds: 0.1,
});

describe('measured maps of the Kernel-shaping tab', () => {
  it('builds a job the contract accepts, recording layers 1, 10 and D', () => {
    expect(measuredLayers(100)).toEqual([1, 10, 100]);
    expect(measuredLayers(5)).toEqual([1, 5]);
    expect(measuredLayers(1)).toEqual([1]);
    const p = measureParams({ ...DEFAULT_SHAPING_INPUT, depth: 40 }, [16, 64], 50);
    const parsed = dksMeasureParamsSchema.parse(p);
    expect(parsed.layers).toEqual([1, 10, 40]);
    expect(parsed.transform).toBe('dks');
  });

  it('parses widths or names the field', () => {
    expect(parseWidths('32, 128,512')).toEqual([32, 128, 512]);
    for (const bad of ['', '0', '1.5', 'a', '1,2,3,4,5,6,7,8,9', '5000'])
      expect(() => parseWidths(bad)).toThrow(/widths M/);
  });

  it('groups points per layer with widths ascending', () => {
    const s = seriesByLayer([point(128, 10, 0.3), point(32, 10, 0.2), point(32, 1, 0.45)]);
    expect(s.map((x) => x.layer)).toEqual([1, 10]);
    expect(s[1].widths).toEqual([32, 128]);
    expect(s[1].c).toEqual([0.2, 0.3]);
    expect(s[1].predicted).toBeCloseTo(0.5, 12);
    const { header, rows } = measuredRows([point(32, 1, 0.45)]);
    expect(rows[0]).toHaveLength(header.length);
  });

  it('asks for the NTK too, and shows E[Θ] over its M → ∞ value, widths ascending', () => {
    expect(dksMeasureParamsSchema.parse(measureParams(DEFAULT_SHAPING_INPUT, [32], 100)).ntk).toBe(true);
    const ntk = (width: number, theta: number): DksMeasureNtkPoint => ({
      width,
      depth: 10,
      theta: { estimate: theta, stderr: 0.5 },
      dispersion: { estimate: 1 + 1 / width, stderr: 0.01 },
      predicted: { theta: 20, dispersion: 1 },
      samples: 50,
      seconds: 1,
    });
    expect(ntkSeries([])).toBeNull();
    const s = ntkSeries([ntk(256, 20.5), ntk(32, 19)])!;
    expect(s.widths).toEqual([32, 256]);
    expect(s.thetaRatio).toEqual([0.95, 1.025]);
    expect(s.thetaRatioSe).toEqual([0.025, 0.025]);
    expect(s.dispersion).toEqual([1 + 1 / 32, 1 + 1 / 256]);
    const { header, rows } = ntkRows([ntk(32, 19)]);
    expect(rows[0]).toHaveLength(header.length);
  });
});
