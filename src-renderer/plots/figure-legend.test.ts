import { describe, expect, it } from 'vitest';
import { expandPreset, presetById } from '../../src-shared/presets';
import { legendItems, legendRows } from './figure-legend';
import { NEUTRAL } from './figure-colours';

describe('legendItems', () => {
  const def = presetById('fig3');
  const curves = expandPreset(def).curves;
  const base = {
    def,
    curves,
    shownSeries: def.series,
    colours: new Map<string, string>(),
    curveColour: () => '#123456',
  };
  const measured = (marks: { stderr: number }[]) =>
    legendItems({ ...base, marks }).find((i) => i.kind === 'style' && i.style === 'measured')!.text;

  it('names the error bars from the marks drawn: delta-method SEs for the ratio, never "no SE" when bars exist', () => {
    expect(measured([])).toBe('measured ± SE (delta method)');
    expect(measured([{ stderr: 0.01 }, { stderr: 0.02 }])).toBe('measured ± SE (delta method)');
    expect(measured([{ stderr: 0.01 }, { stderr: Number.NaN }])).toBe('measured ± SE (delta method) where known');
    expect(measured([{ stderr: Number.NaN }])).toBe('measured (no SE)');
    const fig1 = presetById('fig1');
    const items = legendItems({ ...base, def: fig1, curves: [], shownSeries: fig1.series, marks: [{ stderr: 1 }] });
    expect(items.find((i) => i.kind === 'style' && i.style === 'measured')!.text).toBe('measured ± SE');
  });

  it('lists only the σ_w² groups and cosines shown', () => {
    const one = def.series.filter((s) => s.group === def.series[0].group && s.pairCos !== 0.1);
    const items = legendItems({ ...base, shownSeries: one, marks: [], curveColour: () => NEUTRAL });
    expect(items.filter((i) => i.kind === 'group').length).toBe(1);
    expect(items.find((i) => i.kind === 'note' && i.text.startsWith('lighter'))!.text).toBe(
      'lighter → darker: ⟨x⁰,x̃⁰⟩ = 0.3, 0.5, 0.7, 0.9',
    );
    const rows = legendRows(items, 300);
    expect(rows.flat()).toEqual(items);
  });
});
