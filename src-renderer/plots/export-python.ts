// "Copy as Python" (pure): a small matplotlib script that reads the plot's CSV, as exported, and redraws the
// figure at the chosen figure style. Lines: the first column is x, every other numeric column a series, and a
// column named "<series>_se" / "<series>Se" / "stderr" becomes that series' error bar. Heat maps (the plane):
// pivot x, y, z columns onto a pcolormesh.
import type { FigureStyle } from './figure-style';

export interface PythonHint {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  xLog?: boolean;
  yLog?: boolean;
  /** Draw these columns as a heat map instead of lines (z log-coloured when zLog). */
  heatmap?: { x: string; y: string; z: string; zLog?: boolean };
  /** Columns that are not series (counts, seeds, status text); only numeric series columns are drawn. */
  skip?: readonly string[];
  /** Draw only these columns as series (default: every other column not skipped). */
  series?: readonly string[];
  /** Error-bar columns by series, beyond the "<series>_se" naming rule. */
  errors?: Readonly<Record<string, string>>;
}

const SE_SUFFIXES = ['_se', 'Se', 'SE', '_stderr', 'Stderr'];

/** For each series column, the column carrying its standard error, if the CSV has one. */
export function errorColumns(header: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of header) {
    for (const suf of SE_SUFFIXES) {
      const se = `${h}${suf}`;
      if (header.includes(se)) out.set(h, se);
    }
  }
  if (header.includes('estimate') && header.includes('stderr')) out.set('estimate', 'stderr');
  return out;
}

const py = (s: string) => JSON.stringify(s); // a JSON string is a valid Python string literal for our labels
/** A label for matplotlib: σ_w² as mathtext (the lab writes it with an underscore, which would print as is). */
const label = (s: string) => py(s.replace(/σ_w²/g, '$\\sigma_w^2$'));

/** The script's text; `csvName` is the CSV file saved next to it, `header` its first row. */
export function pythonScript(csvName: string, header: readonly string[], style: FigureStyle, hint: PythonHint): string {
  if (header.length < 2) throw new RangeError('Python export: the CSV needs at least two columns');
  const widthIn = style.preset === 'screen' ? 6.4 : style.widthIn;
  const heightIn = style.preset === 'screen' ? 4 : (style.heightIn ?? style.widthIn * 0.62);
  const fontPt = style.preset === 'screen' ? 9 : style.fontPt;
  const family = style.fontFamily === 'serif' ? 'DejaVu Serif' : 'DejaVu Sans';
  const lines = [
    '# Redraws the exported figure from its CSV (NTK Phase Lab, "Copy as Python"). Needs numpy and matplotlib.',
    'import csv',
    'import numpy as np',
    'import matplotlib',
    "matplotlib.use('Agg')",
    'import matplotlib.pyplot as plt',
    '',
    `CSV = ${py(csvName)}`,
    'with open(CSV, newline="") as f:',
    '    rows = list(csv.DictReader(f))',
    '',
    '',
    'def col(name):',
    '    """One column as floats; empty cells (no value) become NaN."""',
    '    return np.array([float(r[name]) if r[name] not in ("", None) else np.nan for r in rows])',
    '',
    '',
    `plt.rcParams.update({"font.size": ${fontPt}, "font.family": ${py(family)}, "pdf.fonttype": 42})`,
    `fig, ax = plt.subplots(figsize=(${widthIn}, ${heightIn}), constrained_layout=True)`,
  ];
  if (hint.heatmap) {
    const { x, y, z, zLog } = hint.heatmap;
    for (const c of [x, y, z]) if (!header.includes(c)) throw new RangeError(`Python export: no column ${c}`);
    lines.push(
      `xs, ys, zs = col(${py(x)}), col(${py(y)}), col(${py(z)})`,
      'ux, uy = np.unique(xs), np.unique(ys)',
      'grid = np.full((uy.size, ux.size), np.nan)',
      'grid[np.searchsorted(uy, ys), np.searchsorted(ux, xs)] = zs',
      zLog
        ? 'mesh = ax.pcolormesh(ux, uy, grid, shading="nearest", norm=matplotlib.colors.LogNorm())'
        : 'mesh = ax.pcolormesh(ux, uy, grid, shading="nearest")',
      `fig.colorbar(mesh, ax=ax, label=${py(z)})`,
    );
  } else {
    const x = header[0];
    const errs = errorColumns(header);
    for (const [s, se] of Object.entries(hint.errors ?? {}))
      if (header.includes(s) && header.includes(se)) errs.set(s, se);
    const skip = new Set([x, ...(hint.skip ?? []), ...errs.values()]);
    const series = hint.series ?? header.filter((h) => !skip.has(h));
    for (const s of series) if (!header.includes(s)) throw new RangeError(`Python export: no column ${s}`);
    lines.push(`x = col(${py(x)})`);
    for (const s of series) {
      const se = errs.get(s);
      lines.push(
        se
          ? `ax.errorbar(x, col(${py(s)}), yerr=col(${py(se)}), label=${py(s)}, marker="o", ms=3, capsize=2)`
          : `ax.plot(x, col(${py(s)}), label=${py(s)})`,
      );
    }
    if (series.length > 1) lines.push('ax.legend(frameon=False)');
  }
  if (hint.xLog) lines.push('ax.set_xscale("log")');
  if (hint.yLog) lines.push('ax.set_yscale("log")');
  lines.push(`ax.set_xlabel(${label(hint.xLabel ?? hint.heatmap?.x ?? header[0])})`);
  if (hint.yLabel ?? hint.heatmap?.y) lines.push(`ax.set_ylabel(${label(hint.yLabel ?? hint.heatmap?.y ?? '')})`);
  if (hint.title) lines.push(`ax.set_title(${label(hint.title)})`);
  const out = csvName.replace(/\.csv$/, '');
  lines.push(`fig.savefig(${py(`${out}.pdf`)})`, `fig.savefig(${py(`${out}.png`)}, dpi=${style.dpi})`, '');
  return lines.join('\n');
}
