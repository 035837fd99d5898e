import { axisBottom } from 'd3-axis';
import { scaleBand, scaleLinear } from 'd3-scale';
import { create } from 'd3-selection';
import { seriesColour } from '../palette.js';
import { human } from './format.js';

export interface Dot {
  /** The scenario's name (data-scenario), and the row's label (unique among the rows). */
  scenario: string;
  label: string;
  /** Index of the scenario (its colour). */
  index: number;
  mean: number;
  lo: number | null;
  hi: number | null;
  best?: boolean;
  /** The testability contract: the --json path and the raw mean of the value drawn. */
  metric: string;
  rawValue: number;
}

export interface DotPlotOptions {
  title: string;
  unit: string;
  width: number;
  /** Draw a zero line (paired differences). */
  zero?: boolean;
}

const MARGIN = { top: 26, right: 16, bottom: 52, left: 190 };
const ROW = 24;

/**
 * A dot plot with 95% CI whiskers: one row per scenario, the value on a linear axis naming its
 * unit, the best value marked. A pure function of data and size: returns a detached SVG element.
 */
export function dotPlot(dots: readonly Dot[], o: DotPlotOptions): SVGSVGElement {
  const height = MARGIN.top + MARGIN.bottom + ROW * Math.max(1, dots.length);
  const svg = create('svg').attr('xmlns', 'http://www.w3.org/2000/svg').attr('width', o.width).attr('height', height).attr('viewBox', `0 0 ${o.width} ${height}`).attr('class', 'chart dotplot').attr('role', 'img').attr('aria-label', `${o.title} (${o.unit})`);
  svg.append('title').text(`${o.title} (${o.unit})`);
  const values = dots.flatMap((d) => [d.mean, d.lo ?? d.mean, d.hi ?? d.mean]).filter(Number.isFinite);
  if (o.zero) values.push(0);
  let [min, max] = [Math.min(...values), Math.max(...values)];
  if (!(max > min)) [min, max] = [min - (Math.abs(min) || 1) * 0.05, max + (Math.abs(max) || 1) * 0.05];
  const pad = (max - min) * 0.06;
  const x = scaleLinear().domain([min - pad, max + pad]).range([MARGIN.left, o.width - MARGIN.right]).nice();
  const y = scaleBand<string>().domain(dots.map((d) => d.label)).range([MARGIN.top, height - MARGIN.bottom]).padding(0.3);
  svg.append('text').attr('class', 'chart-title').attr('x', 4).attr('y', 16).text(o.title);
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${height - MARGIN.bottom})`).call((g) => {
    // d3 picks the precision from the tick step, so close values (199.28 to 199.32 ms) stay distinct.
    const n = Math.max(2, Math.floor((o.width - MARGIN.left) / 80));
    g.call(axisBottom(x).ticks(n).tickFormat(x.tickFormat(n, '~')));
  });
  svg.append('text').attr('class', 'axis-label').attr('x', (MARGIN.left + o.width - MARGIN.right) / 2).attr('y', height - MARGIN.bottom + 34).attr('text-anchor', 'middle').text(o.unit);
  if (o.zero && x.domain()[0]! < 0 && x.domain()[1]! > 0) svg.append('line').attr('class', 'zero').attr('x1', x(0)).attr('x2', x(0)).attr('y1', MARGIN.top).attr('y2', height - MARGIN.bottom);
  const row = svg.append('g').selectAll('g').data(dots).join('g').attr('class', 'dot').attr('transform', (d) => `translate(0,${(y(d.label) ?? 0) + y.bandwidth() / 2})`)
    .attr('data-metric', (d) => d.metric).attr('data-value', (d) => String(d.rawValue)).attr('data-scenario', (d) => d.scenario);
  row.append('text').attr('class', 'row-label').attr('x', MARGIN.left - 8).attr('dy', '0.32em').attr('text-anchor', 'end').text((d) => d.label);
  row.filter((d) => d.lo !== null && d.hi !== null).append('line').attr('class', 'whisker').attr('x1', (d) => x(d.lo!)).attr('x2', (d) => x(d.hi!)).attr('stroke', (d) => seriesColour(d.index));
  row.filter((d) => d.lo !== null && d.hi !== null).append('path').attr('class', 'whisker').attr('d', (d) => `M${x(d.lo!)},-5v10M${x(d.hi!)},-5v10`).attr('stroke', (d) => seriesColour(d.index));
  row.append('circle').attr('cx', (d) => x(d.mean)).attr('r', 5).attr('fill', (d) => seriesColour(d.index));
  row.filter((d) => d.best === true).append('text').attr('class', 'best').attr('x', (d) => x(d.mean) + 8).attr('dy', '-0.5em').text('best');
  row.append('title').text((d) => `${d.label}: ${human(d.mean, o.unit)} ${o.unit}${d.lo !== null ? ` (95% CI ${human(d.lo, o.unit)} to ${human(d.hi, o.unit)})` : ''}`);
  // Legend: what the marks mean (the scenarios are named on the rows).
  const legend = svg.append('g').attr('class', 'legend').attr('transform', `translate(${MARGIN.left},${height - 10})`);
  legend.append('circle').attr('r', 4).attr('cx', 0).attr('cy', -3).attr('fill', '#555');
  legend.append('text').attr('x', 8).attr('y', 0).text('mean');
  legend.append('path').attr('d', 'M52,-3h24M52,-7v8M76,-7v8').attr('stroke', '#555');
  legend.append('text').attr('x', 82).attr('y', 0).text('95% confidence interval');
  return svg.node()!;
}
