import { describe, expect, it } from 'vitest';
import { csvCell, exportFileName, paramsJson, planeCsv, sliceCsv, THEORY_REFERENCE, toCsv } from './export-data';

const parse = (csv: string) =>
  csv
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));

describe('file names', () => {
  it('encode plot, width and α₀', () => {
    expect(exportFileName('plane', { width: 200, alpha0: 1 }, 'svg')).toBe('ntk-plane-M200-a1.svg');
    expect(exportFileName('slice-lambda', { width: 500, alpha0: 0.5 }, 'csv')).toBe('ntk-slice-lambda-M500-a0.5.csv');
  });
  it('carry key parameters and modes, file-name safe, and .py for the Python script', () => {
    const p = { width: 200, alpha0: 1, parts: [['sigma', 2.5] as const, 'ratio'] };
    expect(exportFileName('plane', p, 'pdf')).toBe('ntk-plane-M200-a1-sigma2.5-ratio.pdf');
    expect(exportFileName('plane', { ...p, parts: ['finite', ''] }, 'python')).toBe('ntk-plane-M200-a1-finite.py');
    expect(exportFileName('slice-sigma', { ...p, parts: [['lambda', 1 / 3], 'a b/c'] }, 'svg')).toBe(
      'ntk-slice-sigma-M200-a1-lambda0.333333-a-b-c.svg',
    );
  });
});

describe('CSV cells', () => {
  it('keep full precision, blank out non-finite values and quote text', () => {
    expect(csvCell(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(Number(csvCell(Math.PI))).toBe(Math.PI);
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(Infinity)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(() => toCsv(['a', 'b'], [[1]])).toThrow(RangeError);
  });
});

describe('planeCsv', () => {
  const sigmaW2 = [1, 2, 3];
  const depthToWidth = [0.0024, 0.5];
  const values = [1.1, 2.2, 3.3, 4.4, 5.5, 6.6];

  it('writes one row per cell, λ-major like the grid, with the realized depth', () => {
    const rows = parse(planeCsv({ sigmaW2, depthToWidth, width: 200, values }));
    expect(rows[0]).toEqual(['sigmaW2', 'depthToWidth', 'depth', 'dispersion']);
    expect(rows.length).toBe(1 + 6);
    expect(rows[1]).toEqual(['1', '0.0024', '1', '1.1']); // round(0.48) = 0 → at least one layer
    expect(rows[3]).toEqual(['3', '0.0024', '1', '3.3']);
    expect(rows[4]).toEqual(['1', '0.5', '100', '4.4']);
    expect(rows[6]).toEqual(['3', '0.5', '100', '6.6']);
  });

  it('refuses a grid of the wrong size', () => {
    expect(() => planeCsv({ sigmaW2, depthToWidth, width: 200, values: [1, 2] })).toThrow(RangeError);
  });
});

describe('sliceCsv', () => {
  it('has one row per plotted x and one column per series, blanks where a series has no point', () => {
    const csv = sliceCsv({ name: 'depthToWidth', values: [0, 0.5, 1] }, [
      { name: 'finite', values: [1, 3.85, 22.5] },
      { name: 'limit', values: [1, 3.91, 23.2] },
      { name: 'measured', values: [Number.NaN, 3.8, null] },
    ]);
    expect(parse(csv)).toEqual([
      ['depthToWidth', 'finite', 'limit', 'measured'],
      ['0', '1', '1', ''],
      ['0.5', '3.85', '3.91', '3.8'],
      ['1', '22.5', '23.2', ''],
    ]);
    expect(() => sliceCsv({ name: 'x', values: [1, 2] }, [{ name: 'y', values: [1] }])).toThrow(RangeError);
  });
});

describe('paramsJson', () => {
  it('records the network, ranges, cursor, version and the theory reference', () => {
    const doc = JSON.parse(
      paramsJson({
        plot: 'plane',
        version: '0.1.0',
        width: 200,
        alpha0: 1,
        inputDim: 200,
        kind: 'finite',
        ranges: {
          sigmaW2: { min: 0.5, max: 4, count: 200, sampling: 'cell-centres' },
          depthToWidth: { min: 0, max: 1.5, count: 150, sampling: 'cell-centres' },
        },
        cursor: { sigmaW2: 2, depthToWidth: 0.5, depth: 100 },
        exportedAt: '2025-01-01T00:00:00.000Z',
      }),
    );
    expect(doc).toMatchObject({
      app: 'NTK Phase Lab',
      version: '0.1.0',
      plot: 'plane',
      theory: THEORY_REFERENCE,
      network: { width: 200, alpha0: 1, inputDim: 200, sigmaB2: 0 },
      kind: 'finite',
      cursor: { sigmaW2: 2, depthToWidth: 0.5, depth: 100 },
      measurement: null,
      exportedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(doc.ranges.sigmaW2).toEqual({ min: 0.5, max: 4, count: 200, sampling: 'cell-centres' });
    expect(THEORY_REFERENCE).toBe('Seleznova & Kutyniok 2022, Thm 3.1/3.2 (proof-consistent eq. 13)');
  });
});
