import type { Selection } from 'd3-selection';
import { podStateKey, POD_STATES, type PodStateKey } from '../../data/cluster-state.js';
import type { Segment, Timeline, TimelineRow } from '../../data/timeline.js';
import { OKABE_ITO } from '../palette.js';
import { duration } from './format.js';
import { chartSvg, clockText, cursorLine, TIME_MARGIN, timeAxis, timeScale, uid, warmupBand } from './series.js';

/**
 * The replication's timeline as a Gantt chart (a pure function of the timeline and size, returning
 * a detached SVG): a row per node, per pod and per stateful artifact over the time window, faults
 * and coordination events marked. A pod not Ready is hatched; an artifact nobody runs (missed
 * executions) and one run by several servers at once (duplicates) stand out by colour, pattern and
 * text, never by colour alone.
 */

export interface GanttOptions {
  title: string;
  width: number;
  domain: readonly [number, number];
  warmupS?: number;
  /** The scenario, carried on the chart for tests. */
  scenario?: string;
  /** A what-if's time: a labelled rule. */
  whatIfS?: number;
  rowHeight?: number;
}

const NODE_COLOUR: Record<string, string> = { up: OKABE_ITO.green, down: OKABE_ITO.vermillion, unknown: OKABE_ITO.orange, cordoned: OKABE_ITO.purple };
export const POD_COLOUR: Record<PodStateKey, string> = {
  ready: OKABE_ITO.green,
  Running: OKABE_ITO.green,
  hung: OKABE_ITO.orange,
  starting: OKABE_ITO.skyBlue,
  Pending: OKABE_ITO.yellow,
  down: OKABE_ITO.vermillion,
  Terminating: OKABE_ITO.purple,
  gone: OKABE_ITO.grey,
};
const RUNNING_ONE = OKABE_ITO.blue;
const DUPLICATE = OKABE_ITO.orange;
const NOBODY = OKABE_ITO.vermillion;

const TOP = 26;

type G = Selection<SVGGElement, undefined, null, undefined>;

function segmentLook(row: TimelineRow, s: Segment, hatchNotReady: string, crossHatch: string, nobodyHatch: string): { fill: string; overlay: string | null; text: string } {
  if (row.kind === 'node') return { fill: NODE_COLOUR[s.state] ?? OKABE_ITO.grey, overlay: s.state === 'up' ? null : hatchNotReady, text: s.state };
  if (row.kind === 'pod') {
    const key = podStateKey(s.state, s.flag === true, false);
    return { fill: POD_COLOUR[key], overlay: s.flag === true ? null : hatchNotReady, text: `${s.state}${s.flag === true ? ', Ready' : ', not Ready'}` };
  }
  if (s.state === '') return { fill: NOBODY, overlay: nobodyHatch, text: 'nobody runs it (missed)' };
  if (s.flag === true) return { fill: DUPLICATE, overlay: crossHatch, text: `DUPLICATE: ${s.state}` };
  return { fill: RUNNING_ONE, overlay: null, text: s.state };
}

/** The Gantt chart of a timeline over the window `domain`. */
export function ganttChart(timeline: Timeline, o: GanttOptions): SVGSVGElement {
  const rowH = o.rowHeight ?? 16;
  const rows = timeline.rows;
  const sections: Array<{ label: string; rows: TimelineRow[] }> = [
    { label: 'nodes', rows: rows.filter((r) => r.kind === 'node') },
    { label: 'pods', rows: rows.filter((r) => r.kind === 'pod') },
    { label: 'stateful artifacts (who runs them)', rows: rows.filter((r) => r.kind === 'artifact') },
  ].filter((s) => s.rows.length > 0);
  const sectionGap = 16;
  const plotH = rows.length * rowH + sections.length * sectionGap;
  const legendH = 58;
  const height = TOP + plotH + 44 + legendH;
  const svg = chartSvg(o.width, height, o.title, o.domain, 'gantt');
  if (o.scenario !== undefined) svg.attr('data-scenario', o.scenario);
  const x = timeScale(o.domain, o.width);
  const [d0, d1] = o.domain;
  const bottom = TOP + plotH;

  const defs = svg.append('defs');
  const pattern = (angle: number, colour: string, cross = false): string => {
    const id = uid('gantt-hatch');
    const p = defs.append('pattern').attr('id', id).attr('patternUnits', 'userSpaceOnUse').attr('width', 5).attr('height', 5).attr('patternTransform', `rotate(${angle})`);
    p.append('line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', 5).attr('stroke', colour).attr('stroke-width', 1.6);
    if (cross) p.append('line').attr('x1', 0).attr('y1', 2.5).attr('x2', 5).attr('y2', 2.5).attr('stroke', colour).attr('stroke-width', 1.6);
    return `url(#${id})`;
  };
  const hatchNotReady = pattern(45, 'rgba(255,255,255,0.75)');
  const crossHatch = pattern(45, 'rgba(0,0,0,0.55)', true);
  const nobodyHatch = pattern(-45, 'rgba(255,255,255,0.8)');

  warmupBand(svg, x, o.warmupS ?? 0, TOP, bottom);
  timeAxis(svg, o.domain, o.width, bottom);
  const clip = uid('gantt-clip');
  svg.append('clipPath').attr('id', clip).append('rect').attr('x', TIME_MARGIN.left).attr('y', 0).attr('width', Math.max(0, o.width - TIME_MARGIN.left - TIME_MARGIN.right)).attr('height', height);

  const rowY = new Map<string, number>();
  let y = TOP;
  for (const section of sections) {
    svg.append('text').attr('class', 'section-label').attr('x', 4).attr('y', y + 11).attr('font-size', 11).attr('font-style', 'italic').attr('fill', '#555').text(section.label);
    y += sectionGap;
    for (const row of section.rows) {
      rowY.set(row.id, y);
      const g: G = svg.append('g').attr('class', 'gantt-row').attr('data-row-kind', row.kind).attr('data-row', row.label);
      if (row.kind === 'pod') g.attr('data-pod', row.label);
      if (row.kind === 'artifact') g.attr('data-artifact', row.label);
      g.append('text').attr('x', TIME_MARGIN.left - 6).attr('y', y + rowH / 2 + 4).attr('text-anchor', 'end').attr('font-size', 11)
        .text(row.kind === 'pod' && row.group !== null ? `${row.label} (${row.group})` : row.label);
      const body = g.append('g').attr('clip-path', `url(#${clip})`);
      body.append('line').attr('x1', TIME_MARGIN.left).attr('x2', o.width - TIME_MARGIN.right).attr('y1', y + rowH - 0.5).attr('y2', y + rowH - 0.5).attr('stroke', '#eee');
      for (const s of row.segments) {
        if (s.toS < d0 || s.fromS > d1) continue;
        const a = x(Math.max(s.fromS, d0));
        const b = x(Math.min(s.toS, d1));
        const w = Math.max(1, b - a);
        const look = segmentLook(row, s, hatchNotReady, crossHatch, nobodyHatch);
        const seg = body.append('g').attr('class', 'segment').attr('data-state', s.state).attr('data-from-s', s.fromS).attr('data-to-s', s.toS);
        if (s.flag !== undefined) seg.attr('data-flag', String(s.flag));
        seg.append('rect').attr('x', a).attr('y', y + 1).attr('width', w).attr('height', rowH - 3).attr('fill', look.fill);
        if (look.overlay !== null) seg.append('rect').attr('x', a).attr('y', y + 1).attr('width', w).attr('height', rowH - 3).attr('fill', look.overlay);
        if (row.kind === 'artifact' && w > 46) {
          const dark = s.flag === true || s.state === '';
          seg.append('text').attr('x', a + 3).attr('y', y + rowH / 2 + 3).attr('font-size', 10).attr('fill', dark ? '#000' : '#fff').attr('font-weight', s.flag === true ? 700 : 400)
            .attr('stroke', dark ? '#fff' : 'none').attr('stroke-width', dark ? 3 : 0).attr('paint-order', 'stroke')
            .text(s.state === '' ? 'nobody' : s.flag === true ? `×${s.state.split(' + ').length}` : s.state);
        }
        seg.append('title').text(`${row.label}: ${look.text}\nfrom ${clockText(s.fromS)} to ${clockText(s.toS)} (${duration(s.toS - s.fromS)})`);
      }
      y += rowH;
    }
  }

  // Markers: faults as a red rule over the chart (and a triangle on their row), coordination as ticks.
  const markers = svg.append('g').attr('class', 'markers').attr('clip-path', `url(#${clip})`);
  for (const m of timeline.markers) {
    if (m.t < d0 || m.t > d1) continue;
    const mx = x(m.t);
    const ry = m.rowId === null ? undefined : rowY.get(m.rowId);
    const g = markers.append('g').attr('class', `marker marker-${m.kind}`).attr('data-t', m.t);
    if (m.kind === 'fault') {
      g.append('line').attr('x1', mx).attr('x2', mx).attr('y1', TOP).attr('y2', bottom).attr('stroke', OKABE_ITO.vermillion).attr('stroke-width', 1).attr('stroke-dasharray', '4 2').attr('stroke-opacity', 0.8);
      const ty = ry ?? TOP + 2;
      g.append('path').attr('d', `M${mx - 5},${ty}h10l-5,7z`).attr('fill', OKABE_ITO.vermillion).attr('stroke', '#000').attr('stroke-width', 0.5);
    } else {
      const ty = ry ?? TOP + 2;
      const elected = m.label.startsWith('elected');
      g.append('path').attr('d', elected ? `M${mx},${ty}l3,4l-3,4l-3,-4z` : `M${mx},${ty}v${rowH - 3}`).attr('fill', OKABE_ITO.black).attr('stroke', OKABE_ITO.black).attr('stroke-width', 1.2);
    }
    g.append('title').text(`${m.kind === 'fault' ? 'fault' : 'coordination'}: ${m.label} at ${clockText(m.t)}`);
  }
  if (o.whatIfS !== undefined && o.whatIfS >= d0 && o.whatIfS <= d1) {
    const wx = x(o.whatIfS);
    const g = svg.append('g').attr('class', 'whatif-rule');
    g.append('line').attr('x1', wx).attr('x2', wx).attr('y1', TOP - 6).attr('y2', bottom).attr('stroke', OKABE_ITO.black).attr('stroke-width', 2).attr('stroke-dasharray', '1 3');
    g.append('text').attr('x', wx + 4).attr('y', TOP - 4).attr('font-size', 10).text('what-if fault');
  }

  // Legend.
  const legend = svg.append('g').attr('class', 'legend').attr('transform', `translate(${TIME_MARGIN.left},${bottom + 48})`);
  const items: Array<{ label: string; fill: string; overlay?: string; mark?: string }> = [
    { label: POD_STATES.ready.label.replace(' (in rotation)', ''), fill: POD_COLOUR.ready },
    { label: 'not Ready (hatched)', fill: POD_COLOUR.Running, overlay: hatchNotReady },
    { label: 'starting', fill: POD_COLOUR.starting, overlay: hatchNotReady },
    { label: 'Pending', fill: POD_COLOUR.Pending, overlay: hatchNotReady },
    { label: 'stopped / node down', fill: POD_COLOUR.down, overlay: hatchNotReady },
    { label: 'Terminating', fill: POD_COLOUR.Terminating, overlay: hatchNotReady },
    { label: 'node unknown', fill: NODE_COLOUR.unknown!, overlay: hatchNotReady },
    { label: 'artifact run by one', fill: RUNNING_ONE },
    { label: 'DUPLICATES (×n)', fill: DUPLICATE, overlay: crossHatch },
    { label: 'nobody runs it', fill: NOBODY, overlay: nobodyHatch },
    { label: 'fault', fill: 'none', mark: `M5,-5h10l-5,7z` },
    { label: 'coordination event (◆ elected)', fill: 'none', mark: `M10,-5v10` },
  ];
  let lx = 0;
  let ly = 0;
  for (const item of items) {
    const w = 40 + item.label.length * 6.6;
    if (lx > 0 && TIME_MARGIN.left + lx + w > o.width - 8) {
      lx = 0;
      ly += 16;
    }
    const g = legend.append('g').attr('transform', `translate(${lx},${ly})`);
    if (item.mark !== undefined) g.append('path').attr('d', item.mark).attr('fill', item.label === 'fault' ? OKABE_ITO.vermillion : 'none').attr('stroke', '#000');
    else {
      g.append('rect').attr('x', 0).attr('y', -6).attr('width', 22).attr('height', 11).attr('fill', item.fill);
      if (item.overlay !== undefined) g.append('rect').attr('x', 0).attr('y', -6).attr('width', 22).attr('height', 11).attr('fill', item.overlay);
    }
    g.append('text').attr('x', 26).attr('y', 4).attr('font-size', 11).text(item.label);
    lx += w;
  }
  const needed = bottom + 48 + ly + 14;
  if (needed > height) svg.attr('height', needed).attr('viewBox', `0 0 ${o.width} ${needed}`);
  cursorLine(svg, TOP, bottom);
  return svg.node()!;
}
