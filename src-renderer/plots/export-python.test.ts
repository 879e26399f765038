import { describe, expect, it } from 'vitest';
import { errorColumns, pythonScript } from './export-python';
import { FIGURE_PRESETS } from './figure-style';

const single = FIGURE_PRESETS.single.style;

describe('pythonScript', () => {
  it('reads every drawn column from the CSV by name, with error bars from the SE columns', () => {
    const header = ['depthToWidth', 'finite', 'limit', 'measured', 'measured_se', 'samples'];
    const script = pythonScript('ntk-x.csv', header, single, { yLog: true, skip: ['samples'], xLabel: 'λ' });
    expect(script).toContain('CSV = "ntk-x.csv"');
    expect(script).toContain('x = col("depthToWidth")');
    expect(script).toContain('ax.plot(x, col("finite"), label="finite")');
    expect(script).toContain('ax.plot(x, col("limit"), label="limit")');
    expect(script).toContain('ax.errorbar(x, col("measured"), yerr=col("measured_se")');
    expect(script).not.toContain('col("samples")');
    expect(script).toContain('ax.set_yscale("log")');
    expect(script).toContain('figsize=(3.3, 2.4)');
    expect(script).toContain('"font.size": 8');
    expect(script).toContain('fig.savefig("ntk-x.pdf")');
    // every column the script reads is in the CSV header
    for (const m of script.matchAll(/col\("([^"]+)"\)/g)) expect(header).toContain(m[1]);
  });

  it('pivots a heat map and takes explicit error columns', () => {
    const script = pythonScript('p.csv', ['sigmaW2', 'depthToWidth', 'depth', 'dispersion'], single, {
      xLabel: 'σ_w² (weight variance)',
      heatmap: { x: 'sigmaW2', y: 'depthToWidth', z: 'dispersion', zLog: true },
    });
    expect(script).toContain('xs, ys, zs = col("sigmaW2"), col("depthToWidth"), col("dispersion")');
    expect(script).toContain('LogNorm()');
    expect(script).toContain('ax.set_xlabel("$\\\\sigma_w^2$ (weight variance)")'); // mathtext, escaped for Python
    expect(() => pythonScript('p.csv', ['a', 'b'], single, { heatmap: { x: 'a', y: 'b', z: 'c' } })).toThrow(
      /no column c/,
    );
    const s2 = pythonScript('q.csv', ['x', 'est', 'err'], single, { errors: { est: 'err' } });
    expect(s2).toContain('ax.errorbar(x, col("est"), yerr=col("err")');
    expect(errorColumns(['estimate', 'stderr']).get('estimate')).toBe('stderr');
  });
});
