import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear } from 'd3-scale';
import { create } from 'd3-selection';
import { line } from 'd3-shape';
import type { CostPoint } from '../../data/compare.js';
import { seriesColour } from '../palette.js';
import { human } from './format.js';

const M = { top: 28, right: 24, bottom: 70, left: 76 };

/**
 * Cost (node-hours per year) against service availability, one point per scenario, the Pareto
 * frontier (no other point cheaper and at least as available) joined by a line.
 */
export function costScatter(points: ReadonlyArray<CostPoint & { index: number }>, width: number, height = 340): SVGSVGElement {
  const svg = create('svg').attr('xmlns', 'http://www.w3.org/2000/svg').attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`).attr('class', 'chart scatter').attr('role', 'img').attr('aria-label', 'cost against availability');
  svg.append('title').text('Cost against availability');
  const span = (vs: number[]) => {
    let [a, b] = [Math.min(...vs), Math.max(...vs)];
    if (!(b > a)) [a, b] = [a - (Math.abs(a) || 1) * 0.01, b + (Math.abs(b) || 1) * 0.01];
    const p = (b - a) * 0.08;
    return [a - p, b + p];
  };
  const x = scaleLinear().domain(span(points.map((p) => p.cost))).range([M.left, width - M.right]).nice();
  const y = scaleLinear().domain(span(points.map((p) => p.availability))).range([height - M.bottom, M.top]).nice();
  svg.append('text').attr('class', 'chart-title').attr('x', 4).attr('y', 16).text('Cost against availability');
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${height - M.bottom})`).call(axisBottom(x).ticks(6).tickFormat(x.tickFormat(6, '~')));
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(6).tickFormat(y.tickFormat(6, '~')));
  svg.append('text').attr('class', 'axis-label').attr('x', (M.left + width - M.right) / 2).attr('y', height - M.bottom + 34).attr('text-anchor', 'middle').text('cost: node-hours per year');
  svg.append('text').attr('class', 'axis-label').attr('transform', `translate(14,${(M.top + height - M.bottom) / 2}) rotate(-90)`).attr('text-anchor', 'middle').text('service availability (fraction of time)');
  const frontier = points.filter((p) => p.onFrontier).sort((a, b) => a.cost - b.cost);
  if (frontier.length > 1) svg.append('path').attr('class', 'frontier').attr('d', line<CostPoint>().x((p) => x(p.cost)).y((p) => y(p.availability))(frontier));
  const g = svg.append('g').selectAll('g').data(points).join('g').attr('class', 'point').attr('transform', (p) => `translate(${x(p.cost)},${y(p.availability)})`).attr('data-scenario', (p) => p.scenario);
  g.append('path').attr('d', (p) => (p.onFrontier ? 'M0,-7L7,0L0,7L-7,0Z' : 'M-5,-5h10v10h-10Z')).attr('fill', (p) => seriesColour(p.index)).attr('stroke', '#222');
  // Scenarios drawn at the same spot (within 4 px) share one label, a name per line.
  const labelled: Array<{ x: number; y: number; names: string[] }> = [];
  for (const p of points) {
    const at = labelled.find((l) => Math.abs(l.x - x(p.cost)) < 4 && Math.abs(l.y - y(p.availability)) < 4);
    if (at !== undefined) at.names.push(p.scenario);
    else labelled.push({ x: x(p.cost), y: y(p.availability), names: [p.scenario] });
  }
  const labels = svg.append('g').selectAll('text').data(labelled).join('text').attr('class', 'point-label')
    .attr('transform', (l) => `translate(${l.x + (l.x > width - 220 ? -12 : 12)},${l.y - ((l.names.length - 1) * 14) / 2})`)
    .attr('text-anchor', (l) => (l.x > width - 220 ? 'end' : 'start'));
  labels.selectAll('tspan').data((l) => l.names).join('tspan').attr('x', 0).attr('dy', (_, i) => (i === 0 ? '0.32em' : '1.2em')).text((n) => n);
  g.append('title').text((p) => `${p.scenario}: ${human(p.cost)} node-hours/year, availability ${human(p.availability, 'fraction')}${p.onFrontier ? ' (on the Pareto frontier)' : ''}`);
  const legend = svg.append('g').attr('class', 'legend').attr('transform', `translate(${M.left},${height - 14})`);
  legend.append('path').attr('d', 'M0,-7L7,0L0,7L-7,0Z').attr('fill', '#777').attr('stroke', '#222');
  legend.append('text').attr('x', 12).attr('dy', '0.32em').text('on the Pareto frontier (line)');
  legend.append('path').attr('d', 'M195,-5h10v10h-10Z').attr('fill', '#777').attr('stroke', '#222');
  legend.append('text').attr('x', 212).attr('dy', '0.32em').text('dominated: another is cheaper and at least as available');
  return svg.node()!;
}
