import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { create, type Selection } from 'd3-selection';
import { curveLinear, curveStepAfter, line } from 'd3-shape';
import type { Buckets, Point } from '../../data/series.js';
import { OKABE_ITO } from '../palette.js';
import { human } from './format.js';

/**
 * The explorer's time-series charts and the shared time axis: pure functions of data and size
 * returning detached SVG (styles inline, so an exported chart looks the same). Each chart draws
 * its time window [t0, t1] between the same left and right margins, so charts stacked on the page
 * share one time axis, and carries a time cursor the page moves (`moveCursor`) without redrawing.
 */

export const TIME_MARGIN = { left: 200, right: 24 };

export type Svg = Selection<SVGSVGElement, undefined, null, undefined>;

/** The unit a time window reads best in: seconds, minutes, hours or days. */
export function timeUnit(spanS: number): { name: 'seconds' | 'minutes' | 'hours' | 'days'; sizeS: number } {
  if (spanS > 3 * 86400) return { name: 'days', sizeS: 86400 };
  if (spanS > 3 * 3600) return { name: 'hours', sizeS: 3600 };
  if (spanS > 180) return { name: 'minutes', sizeS: 60 };
  return { name: 'seconds', sizeS: 1 };
}

/** The time scale of a chart: seconds to pixels between the shared margins. */
export function timeScale(domain: readonly [number, number], width: number): ScaleLinear<number, number> {
  return scaleLinear().domain([domain[0], domain[1]]).range([TIME_MARGIN.left, width - TIME_MARGIN.right]);
}

let ids = 0;
/** A document-unique id prefix for a chart's patterns. */
export function uid(prefix: string): string {
  return `${prefix}-${++ids}`;
}

/** A new chart SVG with its title, accessible name and the data the cursor needs. */
export function chartSvg(width: number, height: number, title: string, domain: readonly [number, number], cls: string): Svg {
  const svg = create('svg')
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('class', `chart ${cls}`)
    .attr('role', 'img')
    .attr('aria-label', title)
    .attr('data-t0', domain[0])
    .attr('data-t1', domain[1])
    .attr('data-x0', TIME_MARGIN.left)
    .attr('data-x1', width - TIME_MARGIN.right);
  svg.append('title').text(title);
  svg.append('text').attr('class', 'chart-title').attr('x', 4).attr('y', 16).attr('font-weight', 600).text(title);
  return svg;
}

/** Draws the time axis at y with its unit named ("time since the start, days"). */
export function timeAxis(svg: Svg, domain: readonly [number, number], width: number, y: number): void {
  const unit = timeUnit(domain[1] - domain[0]);
  const x = scaleLinear().domain([domain[0] / unit.sizeS, domain[1] / unit.sizeS]).range([TIME_MARGIN.left, width - TIME_MARGIN.right]);
  const n = Math.max(2, Math.floor((width - TIME_MARGIN.left - TIME_MARGIN.right) / 90));
  svg.append('g').attr('class', 'axis time-axis').attr('transform', `translate(0,${y})`).call(axisBottom(x).ticks(n).tickFormat(x.tickFormat(n, ',~f')));
  svg.append('text').attr('class', 'axis-label').attr('x', (TIME_MARGIN.left + width - TIME_MARGIN.right) / 2).attr('y', y + 32).attr('text-anchor', 'middle').attr('fill', '#444')
    .text(`time since the start of the replication (${unit.name})`);
}

/** The warm-up (not measured) shaded, and the cursor line: appended last so it stays on top. */
export function warmupBand(svg: Svg, x: ScaleLinear<number, number>, warmupS: number, top: number, bottom: number): void {
  const [d0, d1] = x.domain() as [number, number];
  if (!(warmupS > d0)) return;
  const a = x(d0);
  const b = x(Math.min(warmupS, d1));
  const g = svg.append('g').attr('class', 'warmup');
  g.append('rect').attr('x', a).attr('y', top).attr('width', Math.max(0, b - a)).attr('height', bottom - top).attr('fill', '#000').attr('fill-opacity', 0.06);
  if (b - a > 50) g.append('text').attr('x', a + 3).attr('y', top + 11).attr('font-size', 10).attr('fill', '#555').text('warm-up');
  g.append('title').text(`warm-up: not measured (until ${human(warmupS)} s)`);
}

export function cursorLine(svg: Svg, top: number, bottom: number): void {
  svg.append('line').attr('class', 'time-cursor').attr('y1', top).attr('y2', bottom).attr('x1', -10).attr('x2', -10).attr('stroke', OKABE_ITO.black).attr('stroke-width', 1.5).attr('pointer-events', 'none').attr('visibility', 'hidden');
}

/** Moves a chart's time cursor to t (hidden outside its window), without redrawing the chart. */
export function moveCursor(svg: SVGSVGElement, t: number): void {
  const line = svg.querySelector<SVGLineElement>('line.time-cursor');
  if (line === null) return;
  const t0 = Number(svg.dataset.t0);
  const t1 = Number(svg.dataset.t1);
  const x0 = Number(svg.dataset.x0);
  const x1 = Number(svg.dataset.x1);
  if (!(t >= t0 && t <= t1) || !(t1 > t0)) {
    line.setAttribute('visibility', 'hidden');
    return;
  }
  const x = String(x0 + ((t - t0) / (t1 - t0)) * (x1 - x0));
  line.setAttribute('x1', x);
  line.setAttribute('x2', x);
  line.setAttribute('visibility', 'visible');
}

/** The time under a pointer's x on a chart (null outside the plot). */
export function timeAtX(svg: SVGSVGElement, clientX: number): number | null {
  const box = svg.getBoundingClientRect();
  const scale = box.width > 0 ? Number(svg.getAttribute('width')) / box.width : 1;
  const x = (clientX - box.left) * scale;
  const x0 = Number(svg.dataset.x0);
  const x1 = Number(svg.dataset.x1);
  if (x < x0 || x > x1) return null;
  return Number(svg.dataset.t0) + ((x - x0) / (x1 - x0)) * (Number(svg.dataset.t1) - Number(svg.dataset.t0));
}

/** A time for hover text: days, hours, minutes and seconds since the start. */
export function clockText(t: number): string {
  if (!Number.isFinite(t)) return '—';
  const d = Math.floor(t / 86400);
  let rest = t - d * 86400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const pad = (v: number) => String(v).padStart(2, '0');
  const sec = s < 10 ? `0${s.toFixed(1)}` : s.toFixed(1);
  return `day ${d} ${pad(h)}:${pad(m)}:${sec}`;
}

export interface SeriesLine {
  label: string;
  colour: string;
  /** Stroke dash pattern (also told apart by it, not colour alone). */
  dash?: string;
  points: readonly Point[];
  /** `step`: the value holds from each point to the next; `linear`: joined straight. */
  curve: 'step' | 'linear';
}

export interface SeriesChartOptions {
  title: string;
  /** The value's unit, named on the axis. */
  unit: string;
  width: number;
  height?: number;
  domain: readonly [number, number];
  warmupS?: number;
  /** Keep 0 in the value axis (default true). */
  zero?: boolean;
  /** Identifies the chart for tests and exports. */
  name?: string;
}

const M = { top: 26, bottom: 44 };
const LEGEND_ROW = 16;

/** The value of a line at t: a step's last point at or before t, or linear interpolation. */
function valueAt(l: SeriesLine, t: number): number | null {
  const ps = l.points;
  if (ps.length === 0 || t < ps[0]![0]) return null;
  let lo = 0;
  let hi = ps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ps[mid]![0] <= t) lo = mid;
    else hi = mid - 1;
  }
  const p = ps[lo]!;
  const q = ps[lo + 1];
  if (l.curve === 'step' || q === undefined || q[0] === p[0]) return p[1];
  return p[1] + ((q[1] - p[1]) * (t - p[0])) / (q[0] - p[0]);
}

function legendRows(svg: Svg, items: ReadonlyArray<{ label: string; draw: (g: Selection<SVGGElement, undefined, null, undefined>) => void }>, width: number, y: number): number {
  const g = svg.append('g').attr('class', 'legend').attr('transform', `translate(${TIME_MARGIN.left},${y})`);
  let x = 0;
  let row = 0;
  for (const item of items) {
    const w = 40 + item.label.length * 6.6;
    if (x > 0 && TIME_MARGIN.left + x + w > width - 8) {
      x = 0;
      row++;
    }
    const cell = g.append('g').attr('transform', `translate(${x},${row * LEGEND_ROW})`);
    item.draw(cell);
    cell.append('text').attr('x', 26).attr('y', 4).attr('font-size', 11).text(item.label);
    x += w;
  }
  return (row + 1) * LEGEND_ROW;
}

function countLegendRows(labels: readonly string[], width: number): number {
  let x = 0;
  let rows = 1;
  for (const label of labels) {
    const w = 40 + label.length * 6.6;
    if (x > 0 && TIME_MARGIN.left + x + w > width - 8) {
      x = 0;
      rows++;
    }
    x += w;
  }
  return rows;
}

/** Adds a hover readout: a rule and the exact values at the pointer's time. */
function hover(svg: Svg, top: number, bottom: number, read: (t: number) => string[]): void {
  const g = svg.append('g').attr('class', 'hover').attr('pointer-events', 'none').attr('visibility', 'hidden');
  const rule = g.append('line').attr('y1', top).attr('y2', bottom).attr('stroke', '#666').attr('stroke-dasharray', '2 2');
  const box = g.append('rect').attr('fill', '#fff').attr('fill-opacity', 0.93).attr('stroke', '#999').attr('rx', 3);
  const text = g.append('text').attr('font-size', 11);
  const node = svg.node()!;
  const width = Number(node.getAttribute('width'));
  svg
    .append('rect')
    .attr('class', 'hover-target')
    .attr('x', TIME_MARGIN.left)
    .attr('y', top)
    .attr('width', Math.max(0, width - TIME_MARGIN.left - TIME_MARGIN.right))
    .attr('height', Math.max(0, bottom - top))
    .attr('fill', 'transparent')
    .on('pointermove', (e: PointerEvent) => {
      const t = timeAtX(node, e.clientX);
      if (t === null) return;
      const lines = [clockText(t), ...read(t)];
      const x = Number(node.dataset.x0) + ((t - Number(node.dataset.t0)) / (Number(node.dataset.t1) - Number(node.dataset.t0))) * (Number(node.dataset.x1) - Number(node.dataset.x0));
      rule.attr('x1', x).attr('x2', x);
      text.selectAll('tspan').data(lines).join('tspan').attr('x', 0).attr('dy', (_, i) => (i === 0 ? 0 : 14)).text((d) => d);
      const w = Math.max(...lines.map((l) => l.length)) * 6.3 + 12;
      const h = lines.length * 14 + 8;
      const bx = x + 10 + w > width ? x - 10 - w : x + 10;
      box.attr('x', bx).attr('y', top + 4).attr('width', w).attr('height', h);
      text.attr('transform', `translate(${bx + 6},${top + 17})`);
      g.attr('visibility', 'visible');
    })
    .on('pointerleave', () => g.attr('visibility', 'hidden'));
  // The readout above everything else.
  (g.node() as SVGGElement).parentNode!.appendChild(g.node() as SVGGElement);
}

/** Lines over time (steps or straight segments), one value axis, legend, hover readout and cursor. */
export function seriesChart(lines: readonly SeriesLine[], o: SeriesChartOptions): SVGSVGElement {
  const legendH = countLegendRows(lines.map((l) => l.label), o.width) * LEGEND_ROW;
  const plotH = o.height ?? 150;
  const height = M.top + plotH + M.bottom + legendH + 6;
  const svg = chartSvg(o.width, height, `${o.title} (${o.unit})`, o.domain, 'series');
  if (o.name !== undefined) svg.attr('data-chart', o.name);
  const x = timeScale(o.domain, o.width);
  const values = lines.flatMap((l) => l.points.map((p) => p[1])).filter(Number.isFinite);
  const max = values.length > 0 ? Math.max(...values) : 1;
  const min = values.length > 0 ? Math.min(...values) : 0;
  const y = scaleLinear()
    .domain([o.zero === false ? min : Math.min(0, min), max > (o.zero === false ? min : Math.min(0, min)) ? max : max + 1])
    .range([M.top + plotH, M.top])
    .nice();
  const bottom = M.top + plotH;
  warmupBand(svg, x, o.warmupS ?? 0, M.top, bottom);
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${TIME_MARGIN.left},0)`).call(axisLeft(y).ticks(4).tickFormat(y.tickFormat(4, '~s')));
  svg.append('text').attr('class', 'axis-label').attr('fill', '#444').attr('font-size', 11).attr('transform', `translate(${TIME_MARGIN.left - 46},${M.top + plotH / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(o.unit);
  timeAxis(svg, o.domain, o.width, bottom);
  const clip = uid('clip');
  svg.append('clipPath').attr('id', clip).append('rect').attr('x', TIME_MARGIN.left).attr('y', M.top - 2).attr('width', Math.max(0, o.width - TIME_MARGIN.left - TIME_MARGIN.right)).attr('height', plotH + 4);
  const plot = svg.append('g').attr('clip-path', `url(#${clip})`);
  for (const l of lines) {
    const path = line<Point>()
      .x((p) => x(p[0]))
      .y((p) => y(p[1]))
      .defined((p) => Number.isFinite(p[1]))
      .curve(l.curve === 'step' ? curveStepAfter : curveLinear);
    plot.append('path').attr('d', path(l.points as Point[]) ?? '').attr('fill', 'none').attr('stroke', l.colour).attr('stroke-width', 1.75).attr('stroke-dasharray', l.dash ?? null)
      .append('title').text(l.label);
  }
  if (lines.length === 0) svg.append('text').attr('x', TIME_MARGIN.left + 8).attr('y', M.top + plotH / 2).attr('fill', '#555').text('Nothing of this kind in this replication.');
  hover(svg, M.top, bottom, (t) => lines.map((l) => `${l.label}: ${human(valueAt(l, t))}`));
  legendRows(svg, lines.map((l) => ({ label: l.label, draw: (g) => void g.append('line').attr('x1', 0).attr('x2', 22).attr('y1', 0).attr('y2', 0).attr('stroke', l.colour).attr('stroke-width', 2.5).attr('stroke-dasharray', l.dash ?? null) })), o.width, bottom + 50);
  cursorLine(svg, M.top, bottom);
  return svg.node()!;
}

export interface Stack {
  label: string;
  colour: string;
  /** A hatch (told apart by pattern, not colour alone): angle in degrees, or none. */
  hatch?: number;
  values: readonly number[];
}

/** Stacked bars per time bucket (counts per bucket), legend, hover readout and cursor. */
export function stackedBuckets(buckets: Buckets, stacks: readonly Stack[], o: SeriesChartOptions): SVGSVGElement {
  const legendH = countLegendRows(stacks.map((s) => s.label), o.width) * LEGEND_ROW;
  const plotH = o.height ?? 120;
  const height = M.top + plotH + M.bottom + legendH + 6;
  const svg = chartSvg(o.width, height, `${o.title} (${o.unit})`, o.domain, 'series stacked');
  if (o.name !== undefined) svg.attr('data-chart', o.name);
  const x = timeScale(o.domain, o.width);
  const totals = Array.from({ length: buckets.count }, (_, k) => stacks.reduce((a, s) => a + (s.values[k] ?? 0), 0));
  const max = Math.max(0, ...totals);
  const y = scaleLinear().domain([0, max > 0 ? max : 1]).range([M.top + plotH, M.top]).nice();
  const bottom = M.top + plotH;
  warmupBand(svg, x, o.warmupS ?? 0, M.top, bottom);
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${TIME_MARGIN.left},0)`).call(axisLeft(y).ticks(4).tickFormat(y.tickFormat(4, '~s')));
  svg.append('text').attr('class', 'axis-label').attr('fill', '#444').attr('font-size', 11).attr('transform', `translate(${TIME_MARGIN.left - 46},${M.top + plotH / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(o.unit);
  timeAxis(svg, o.domain, o.width, bottom);
  const defs = svg.append('defs');
  const fills = stacks.map((s) => {
    if (s.hatch === undefined) return s.colour;
    const id = uid('hatch');
    const p = defs.append('pattern').attr('id', id).attr('patternUnits', 'userSpaceOnUse').attr('width', 6).attr('height', 6).attr('patternTransform', `rotate(${s.hatch})`);
    p.append('rect').attr('width', 6).attr('height', 6).attr('fill', s.colour);
    p.append('line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', 6).attr('stroke', '#fff').attr('stroke-width', 2);
    return `url(#${id})`;
  });
  const g = svg.append('g');
  for (let k = 0; k < buckets.count; k++) {
    let acc = 0;
    const x0 = x(buckets.fromS + k * buckets.widthS);
    const w = Math.max(1, x(buckets.fromS + (k + 1) * buckets.widthS) - x0 - 0.5);
    stacks.forEach((s, i) => {
      const v = s.values[k] ?? 0;
      if (!(v > 0)) return;
      g.append('rect').attr('x', x0).attr('width', w).attr('y', y(acc + v)).attr('height', Math.max(0.5, y(acc) - y(acc + v))).attr('fill', fills[i]!).attr('stroke', s.colour).attr('stroke-width', 0.5);
      acc += v;
    });
  }
  if (max === 0) svg.append('text').attr('x', TIME_MARGIN.left + 8).attr('y', M.top + plotH / 2).attr('fill', '#555').text('None in this window.');
  hover(svg, M.top, bottom, (t) => {
    const k = Math.min(buckets.count - 1, Math.max(0, Math.floor((t - buckets.fromS) / buckets.widthS)));
    const from = buckets.fromS + k * buckets.widthS;
    return [`bucket ${clockText(from)} + ${human(buckets.widthS)} s`, ...stacks.map((s) => `${s.label}: ${human(s.values[k] ?? 0)}`), `total: ${human(totals[k] ?? 0)}`];
  });
  legendRows(svg, stacks.map((s, i) => ({ label: s.label, draw: (c) => void c.append('rect').attr('x', 0).attr('y', -6).attr('width', 22).attr('height', 11).attr('fill', fills[i]!).attr('stroke', s.colour) })), o.width, bottom + 50);
  cursorLine(svg, M.top, bottom);
  return svg.node()!;
}

/** A chart's place when the trace has no data for it: the title, the time axis and why. */
export function noDataChart(reason: string, o: SeriesChartOptions): SVGSVGElement {
  const plotH = 44;
  const height = M.top + plotH + M.bottom;
  const svg = chartSvg(o.width, height, `${o.title} (${o.unit})`, o.domain, 'series no-data');
  if (o.name !== undefined) svg.attr('data-chart', o.name);
  svg.attr('data-no-data', 'true');
  const words = reason.split(' ');
  const text = svg.append('text').attr('x', TIME_MARGIN.left + 8).attr('y', M.top + 14).attr('fill', '#444');
  let lineText = '';
  let row = 0;
  const maxChars = Math.max(30, Math.floor((o.width - TIME_MARGIN.left - 24) / 6.6));
  for (const w of words) {
    if ((lineText + ' ' + w).length > maxChars && lineText !== '') {
      text.append('tspan').attr('x', TIME_MARGIN.left + 8).attr('dy', row === 0 ? 0 : 15).text(lineText);
      lineText = w;
      row++;
    } else lineText = lineText === '' ? w : `${lineText} ${w}`;
  }
  text.append('tspan').attr('x', TIME_MARGIN.left + 8).attr('dy', row === 0 ? 0 : 15).text(lineText);
  timeAxis(svg, o.domain, o.width, M.top + plotH);
  return svg.node()!;
}

export interface OverviewRow {
  scenario: string;
  colour: string;
  endS: number;
  /** Fault times. */
  faults: readonly number[];
  /** Times when some requests failed (bucket starts, with the bucket width), drawn as a band. */
  failing?: ReadonlyArray<readonly [number, number]>;
}

/**
 * The overview strip: the whole run of every scenario shown, its faults as ticks and its failing
 * periods as a band; the page adds a brush to it to choose the time window every chart shows.
 */
export function overviewChart(rows: readonly OverviewRow[], endS: number, width: number): SVGSVGElement {
  const rowH = 14;
  const top = 22;
  const plotBottom = top + rowH * Math.max(1, rows.length);
  const height = plotBottom + 58;
  const domain: [number, number] = [0, endS];
  const svg = chartSvg(width, height, 'Whole run: drag to zoom every chart to a time window', domain, 'overview');
  const x = timeScale(domain, width);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const g = svg.append('g').attr('class', 'overview-row').attr('data-scenario', r.scenario);
    g.append('text').attr('x', TIME_MARGIN.left - 6).attr('y', y + rowH / 2 + 4).attr('text-anchor', 'end').attr('font-size', 11).text(r.scenario.length > 32 ? `${r.scenario.slice(0, 31)}…` : r.scenario);
    g.append('rect').attr('x', x(0)).attr('y', y + 2).attr('width', Math.max(0, x(Math.min(endS, r.endS)) - x(0))).attr('height', rowH - 4).attr('fill', r.colour).attr('fill-opacity', 0.12);
    for (const [a, w] of r.failing ?? []) g.append('rect').attr('x', x(a)).attr('y', y + 2).attr('width', Math.max(1, x(a + w) - x(a))).attr('height', rowH - 4).attr('fill', OKABE_ITO.vermillion).attr('fill-opacity', 0.55);
    g.append('path').attr('d', r.faults.map((t) => `M${x(t)},${y + 1}v${rowH - 2}`).join('')).attr('stroke', OKABE_ITO.black).attr('stroke-width', 1);
  });
  timeAxis(svg, domain, width, plotBottom);
  const legend = svg.append('g').attr('class', 'legend').attr('transform', `translate(${TIME_MARGIN.left},${plotBottom + 48})`);
  legend.append('path').attr('d', 'M0,-4v9').attr('stroke', '#000');
  legend.append('text').attr('x', 5).attr('y', 4).attr('font-size', 10).text('fault');
  legend.append('rect').attr('x', 40).attr('y', -4).attr('width', 10).attr('height', 9).attr('fill', OKABE_ITO.vermillion).attr('fill-opacity', 0.55);
  legend.append('text').attr('x', 54).attr('y', 4).attr('font-size', 10).text('requests failing');
  svg.append('g').attr('class', 'brush-layer').attr('data-top', top).attr('data-bottom', plotBottom);
  cursorLine(svg, top, plotBottom);
  return svg.node()!;
}
