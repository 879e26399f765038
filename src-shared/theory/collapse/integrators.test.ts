// The collapse simulator's two integrators on the same runs: Rodas5P (linearly implicit, the default) against ODEX
// (explicit extrapolation at tolerance 1e-12, the reference), and which one 'auto' picks.
import { describe, expect, it } from 'vitest';
import type { CollapseTracePoint } from '../../contract/collapse-sim';
import { simulateCollapse } from './simulate';

const base = { classes: 4, perClass: 6, features: 8, kappaD: 1, kappaC: 0.6, kappaN: 0.1, seed: 1, tracePoints: 12 };
const KEYS = ['nc1', 'nc2', 'nc3', 'h2Norm', 'loss'] as const;
const values = (p: CollapseTracePoint) => [...KEYS.map((k) => p[k]), p.residual.single, p.residual.class];

describe('Rodas5P against ODEX on the collapse flow', () => {
  it.each([
    ['random', 100],
    ['aligned', 400],
  ] as const)('the same trace from the %s start over t ∈ [0, %d]', (init, tMax) => {
    const rodas = simulateCollapse({ ...base, init, tMax }, 'rodas5p');
    const odex = simulateCollapse({ ...base, init, tMax }, 'odex');
    expect(rodas.integrator.method).toMatch(/^Rodas5P/);
    expect(odex.integrator.method).toMatch(/^ODEX/);
    // the flow contracts (gradient flow), so each global error stays below the sum of the local error tolerances,
    // steps × tolerance relative to (1 + |value|); ODEX's share (tolerance 1e-12) is the smaller one
    const { steps, tolerance } = rodas.integrator;
    const bound = steps * tolerance + odex.integrator.steps * odex.integrator.tolerance;
    expect(bound).toBeLessThan(1e-7);
    expect(rodas.trace.map((p) => p.t)).toEqual(odex.trace.map((p) => p.t));
    for (let i = 0; i < rodas.trace.length; i++) {
      const a = values(rodas.trace[i]),
        b = values(odex.trace[i]);
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k] - b[k])).toBeLessThan(bound * (1 + Math.abs(b[k])));
    }
    // both conserve the invariant well inside the target of 1e-8
    expect(rodas.final.invariantDrift).toBeLessThan(1e-8);
    expect(odex.final.invariantDrift).toBeLessThan(1e-10);
    // the implicit method's steps follow the solution, the explicit one's the stiffness
    expect(rodas.integrator.steps * 4).toBeLessThan(odex.integrator.steps);
    expect(rodas.integrator.factorizations).toBe(rodas.integrator.steps + rodas.integrator.rejected);
  });

  it("'auto' takes Rodas5P while its Schur system is small (2nC + C ≤ 128 unknowns), else ODEX", () => {
    const small = simulateCollapse({ ...base, init: 'random', tMax: 1 });
    expect(small.integrator.method).toMatch(/^Rodas5P/);
    // n = 32, C = 2: 130 unknowns
    const wide = simulateCollapse({ ...base, classes: 2, perClass: 2, features: 32, init: 'random', tMax: 1 });
    // too short a run for ODEX's work to reach a Rodas5P run's: no switch
    expect(wide.integrator.method).toMatch(/^ODEX/);
    expect(wide.integrator.method).not.toMatch(/then Rodas5P/);
    expect(wide.integrator.jacobians).toBeUndefined();
    const narrow = simulateCollapse({ ...base, classes: 2, perClass: 2, features: 31, init: 'random', tMax: 1 });
    expect(narrow.integrator.method).toMatch(/^Rodas5P/);
  });

  it('ODEX then Rodas5P ({ switchAfter }, what auto does beyond 128 unknowns) gives the trace ODEX alone gives', () => {
    // C = 2, m = 2, n = 32: 130 Schur unknowns; ODEX takes ~700 steps (7·10⁶ multiply-adds) over t ∈ [0, 20]
    const params = { ...base, classes: 2, perClass: 2, features: 32, init: 'random', tMax: 20 } as const;
    const switched = simulateCollapse(params, { switchAfter: 1e6 });
    const odex = simulateCollapse(params, 'odex');
    const at = /^ODEX .* up to t = (\S+), then Rodas5P/.exec(switched.integrator.method);
    expect(at).not.toBeNull();
    const tSwitch = Number(at![1]);
    expect(tSwitch).toBeGreaterThan(0);
    expect(tSwitch).toBeLessThan(params.tMax);
    expect(switched.integrator.factorizations).toBeGreaterThan(0);
    expect(switched.integrator.steps).toBeLessThan(odex.integrator.steps);
    const bound = switched.integrator.steps * 1e-10 + odex.integrator.steps * odex.integrator.tolerance;
    expect(bound).toBeLessThan(1e-6);
    for (let i = 0; i < odex.trace.length; i++) {
      const a = values(switched.trace[i]),
        b = values(odex.trace[i]);
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k] - b[k])).toBeLessThan(bound * (1 + Math.abs(b[k])));
    }
    expect(switched.final.invariantDrift).toBeLessThan(1e-8);
  });

  it.each(['rodas5p', 'odex'] as const)('%s: a diverging integration is an error that says so', (integrator) => {
    // κ of 1e200 overflows the derivative's products to ±∞ at once: not a flow double precision can follow
    const huge = { kappaD: 1e200, kappaC: 1e199, kappaN: 0 };
    expect(() => simulateCollapse({ ...base, ...huge, init: 'random', tMax: 400 }, integrator)).toThrow(
      /^the flow diverged at t ≈ \S+ \((the derivative overflowed|a state value passed 1e100)/,
    );
  });
});
