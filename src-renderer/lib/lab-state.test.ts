import { describe, expect, it } from 'vitest';
import {
  checkValue,
  decodeHash,
  defaultValues,
  encodeHash,
  INPUT_KEYS,
  LAB_INPUTS,
  labFile,
  parseLabFile,
  shareLink,
  UndoHistory,
  validateValues,
} from './lab-state';

describe('the input table', () => {
  it('every default passes its own schema', () => {
    for (const k of INPUT_KEYS) expect(LAB_INPUTS[k].schema.safeParse(LAB_INPUTS[k].default).success, k).toBe(true);
  });
  it('defaultValues is a fresh copy each time (arrays are not shared)', () => {
    const a = defaultValues();
    a.gdSigmas.push(3);
    expect(defaultValues().gdSigmas).toEqual(LAB_INPUTS.gdSigmas.default);
  });
  it('refuses unknown keys and out-of-range values with the key in the message', () => {
    expect(checkValue('nope', 1)).toMatch(/unknown setting “nope”/);
    expect(checkValue('width', 1e12)).toMatch(/^width = 1000000000000: /);
    expect(checkValue('width', 2.5)).toMatch(/^width = 2.5: .*int/i);
    expect(checkValue('sigmaW2', 0)).toMatch(/^sigmaW2 = 0/);
    expect(checkValue('tab', 'nowhere')).toMatch(/^tab = "nowhere"/);
    expect(checkValue('width', 300)).toEqual({ ok: true, key: 'width', value: 300 });
  });
  it('text fields and records are checked by the panel’s own parser and validator', () => {
    expect(checkValue('trainSigmas', '1, 2.5')).toMatchObject({ ok: true });
    expect(checkValue('trainSigmas', '1, x')).toMatch(/^trainSigmas = /);
    expect(checkValue('swDepths', '2, 4, 0')).toMatch(/“0” is not a depth/);
    expect(checkValue('ksZeta', '1e400x')).toMatch(/must be a number/);
    expect(checkValue('fc', { ...LAB_INPUTS.fc.default, beta: 2 })).toMatch(/β: must be a number in \[0, 1\]/);
    expect(checkValue('collapse', { ...LAB_INPUTS.collapse.default, features: 2 })).toMatch(/must exceed/);
  });
  it('the trust map, collapse-train, KsTrain and heat-map inputs refuse what their fields refuse', () => {
    expect(checkValue('tmSigmas', '0.5, 2.25')).toMatchObject({ ok: true });
    expect(checkValue('tmSigmas', '1, x')).toMatch(/^tmSigmas = .*"x" is not a number/);
    expect(checkValue('tmDepths', '2, 6.5')).toMatch(/6.5 is not a whole number/);
    expect(checkValue('tmWidths', ' , ')).toMatch(/give at least one value/);
    expect(checkValue('tmLr', '0')).toMatch(/^tmLr = "0": must be a number > 0/);
    expect(checkValue('tmLr', '2e-4')).toMatchObject({ ok: true });
    expect(checkValue('kstDepth', '200')).toMatchObject({ ok: true });
    expect(checkValue('kstDepth', '201')).toMatch(/integer in \[1, 200\]/);
    expect(checkValue('kstSteps', '1.5')).toMatch(/^kstSteps = /);
    expect(checkValue('trainHeat', '0, 50')).toMatchObject({ ok: true });
    expect(checkValue('trainHeat', '-1')).toMatch(/heat-map steps: -1 must be a whole number/);
    const ct = LAB_INPUTS.ctrain.default;
    expect(checkValue('ctrain', { ...ct, epochs: 12, lr: 0.05 })).toMatchObject({ ok: true });
    expect(checkValue('ctrain', { ...ct, lr: 11 })).toMatch(/lr must be ≤ 10/);
    expect(checkValue('ctrain', { ...ct, kernelPerClass: 1 })).toMatch(/kernelPerClass must be ≥ 2/);
    expect(checkValue('ctrain', { ...ct, epochs: Number.NaN })).toMatch(/^ctrain = /);
    // the DC-NN's dims and learning-rate scaling travel inside the freeze-chaos request
    const fc = LAB_INPUTS.fc.default;
    expect(checkValue('fc', { ...fc, dcnn: { ...fc.dcnn, dims: 2, lrScaling: 'sec6.1' } })).toMatchObject({ ok: true });
    expect(checkValue('fc', { ...fc, dcnn: { ...fc.dcnn, dims: 3 } })).toMatch(/^fc = /);
    expect(checkValue('fc', { ...fc, dcnn: { ...fc.dcnn, lrScaling: 'fast' } })).toMatch(/^fc = /);
  });
});

describe('URL hash', () => {
  it('round-trips every kind of value and leaves defaults out', () => {
    const v = defaultValues();
    expect(encodeHash(v)).toBe('v=1');
    v.width = 300;
    v.sigmaW2 = 2.75;
    v.tab = 'gd-step';
    v.slices = false;
    v.layerMode = 'ratio';
    v.gdSigmas = [1, 2.5];
    v.gdSeed = 7;
    v.figN = { ...v.figN, fig1: 999 };
    const hash = encodeHash(v);
    expect(hash).toContain('width=300');
    expect(hash).not.toContain('alpha0');
    const back = decodeHash(`#${hash}`);
    expect(back.problems).toEqual([]);
    expect({ ...defaultValues(), ...back.values }).toEqual(v);
  });
  it('ignores unknown keys, invalid values and a token, naming each; keeps the valid ones', () => {
    const r = decodeHash('#v=1&width=abc&sigmaW2=3&foo=1&token=secret&slices=maybe&lambda=9');
    expect(r.values).toEqual({ sigmaW2: 3 });
    expect(r.problems).toHaveLength(5);
    expect(r.problems.join('\n')).toMatch(/width = "abc"/);
    expect(r.problems.join('\n')).toMatch(/unknown setting “foo”/);
    expect(r.problems.join('\n')).toMatch(/token/);
    expect(r.problems.join('\n')).toMatch(/slices = "maybe"/);
    expect(r.problems.join('\n')).toMatch(/lambda = 9/);
  });
  it('a null seed override round-trips; a number can replace it', () => {
    expect(decodeHash('gdSeed=null').values).toEqual({ gdSeed: null });
    expect(decodeHash('gdSeed=12').values).toEqual({ gdSeed: 12 });
    expect(decodeHash('gdSeed=-1').problems).toHaveLength(1);
  });
  it('the share link carries no query (where the access token is)', () => {
    const v = defaultValues();
    v.width = 400;
    const link = shareLink({ origin: 'http://127.0.0.1:5000', pathname: '/' }, v);
    expect(link).toBe('http://127.0.0.1:5000/#v=1&width=400');
  });
});

describe('lab files', () => {
  it('round-trip inputs and results', () => {
    const v = defaultValues();
    v.alpha0 = 2;
    const text = JSON.stringify(labFile(v, { r: [1, 2] }, '1.0.0', new Date(0)));
    const r = parseLabFile(text);
    expect(r).toEqual({ ok: true, values: { alpha0: 2 }, results: { r: [1, 2] }, problems: [] });
  });
  it('refuses non-JSON, other formats and other versions as a whole', () => {
    expect(parseLabFile('{oops')).toMatchObject({ ok: false, error: expect.stringMatching(/not JSON/) });
    expect(parseLabFile('{"format":"x","version":1,"inputs":{}}')).toMatchObject({ ok: false });
    const v2 = JSON.stringify({ format: 'ntk-phase-lab', version: 2, inputs: {} });
    expect(parseLabFile(v2)).toEqual({ ok: false, error: 'file version 2 is not 1' });
  });
  it('drops bad entries one by one', () => {
    const text = JSON.stringify({ format: 'ntk-phase-lab', version: 1, inputs: { width: -1, seed: 5, zz: 1 } });
    const r = parseLabFile(text);
    expect(r.ok && r.values).toEqual({ seed: 5 });
    expect(r.ok && r.problems.length).toBe(2);
    expect(validateValues([1]).problems).toEqual(['not an object']);
  });
});

describe('UndoHistory', () => {
  it('one step per burst of changes; undo goes back step by step', () => {
    const h = new UndoHistory(600);
    const s0 = defaultValues();
    const s1 = { ...s0, width: 300 };
    h.change(s0, 0); // 200 → 250
    h.change({ ...s0, width: 250 }, 100); // 250 → 300 in the same drag: no new step
    h.change(s1, 2000); // 300 → 400 later: a step of its own
    expect(h.size).toBe(2);
    expect(h.undo()?.width).toBe(300);
    expect(h.undo()?.width).toBe(200);
    expect(h.undo()).toBeNull();
  });
  it('a change right after an undo is a step of its own', () => {
    const h = new UndoHistory(600);
    h.change(defaultValues(), 0);
    h.undo();
    h.change({ ...defaultValues(), seed: 3 }, 10);
    expect(h.size).toBe(1);
  });
  it('keeps a copy of the state before a change: the lab store then changes its state in place', () => {
    const h = new UndoHistory(600);
    const state = defaultValues();
    h.change(state, 0);
    state.width = 300;
    state.gdSigmas.push(9);
    const before = h.undo();
    expect(before?.width).toBe(LAB_INPUTS.width.default);
    expect(before?.gdSigmas).toEqual(LAB_INPUTS.gdSigmas.default);
  });
});
