import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST, computeFreezeChaosView } from './freeze-chaos-view';
import {
  checkerCsv,
  circleMeasuredMarks,
  circleCsv,
  circleSeries,
  depthCsv,
  depthSeries,
  measuredDepthMarks,
  planeCsv,
  type MeasuredDepthPoint,
} from './freeze-chaos-plots';

const view = computeFreezeChaosView({ ...DEFAULT_REQUEST, fig1: true });
const point: MeasuredDepthPoint = {
  depth: 4,
  cos: 0,
  width: 64,
  samples: 100,
  seed: 1,
  vartheta: { estimate: 0.5, stderr: 0.01 },
  thetaDiag: { estimate: 2.7, stderr: 0.02 },
};

describe('freeze-chaos plots', () => {
  it('CSV holds exactly the plotted rows', () => {
    const circle = circleCsv(view).trim().split('\n');
    expect(circle).toHaveLength(view.circle.length + 1);
    expect(circle[0]).toContain('theta_relu-0.5');
    const depth = depthCsv(view, [point]).trim().split('\n');
    expect(depth).toHaveLength(view.depth.rows.length + 1);
    expect(depth[4]).toContain(',0.5,0.01,2.7,0.02,64,100,1');
    expect(planeCsv(view).trim().split('\n')).toHaveLength(view.plane.values.length + 1);
    expect(checkerCsv(view.dcnn!.checker).trim().split('\n')).toHaveLength(view.dcnn!.checker.length + 1);
  });

  it('series: Θ on the circle unless ϑ is asked for (then with the bounds), Fig. 1 overlays; measured marks by ρ', () => {
    expect(circleSeries(view, 'theta').map((s) => s.key)).not.toContain('upper');
    expect(circleSeries(view, 'vartheta').map((s) => s.key)).toContain('upper');
    expect(depthSeries(view).filter((s) => s.key.startsWith('fig1-'))).toHaveLength(3);
    expect(measuredDepthMarks([point], 0)).toHaveLength(1);
    expect(measuredDepthMarks([point], 0.5)).toHaveLength(0);
    // on the circle: Θ(x,x) at γ = 0; ϑ at γ = ±arccos ρ (ρ = 0: ±π/2); nothing for another depth
    expect(circleMeasuredMarks([point], 4, 0, 'theta')).toEqual([expect.objectContaining({ x: 0, y: 2.7, se: 0.02 })]);
    expect(circleMeasuredMarks([point], 4, 0, 'vartheta').map((m) => m.x)).toEqual([-Math.PI / 2, Math.PI / 2]);
    expect(circleMeasuredMarks([point], 6, 0, 'theta')).toEqual([]);
  });
});
