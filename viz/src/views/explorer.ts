import { brushX, type BrushBehavior } from 'd3-brush';
import { select } from 'd3-selection';
import { ClusterTracker } from '../../data/cluster-state.js';
import { advanceTime, clampTime, faultEntry, faultTarget, metricChanges, sharedPrefix, SPEEDS, type SharedPrefix, type WhatIf } from '../../data/playback.js';
import { CAUSE_LABELS, FAILURE_CAUSES, seriesOf, type FailureCause, type SeriesData } from '../../data/series.js';
import { timelineOf, type Timeline } from '../../data/timeline.js';
import { clusterLegend, ClusterView, type ClusterPick } from '../charts/cluster.js';
import { exportButtons } from '../charts/export.js';
import { duration, human } from '../charts/format.js';
import { ganttChart } from '../charts/gantt.js';
import { clockText, moveCursor, noDataChart, overviewChart, seriesChart, stackedBuckets, TIME_MARGIN, timeScale, type SeriesLine, type Stack } from '../charts/series.js';
import { OKABE_ITO, seriesColour } from '../palette.js';
import type { ExtraFault, Source, TraceResult } from '../worker/protocol.js';
import './explorer.css';

export interface ExplorerContext {
  /** The scenarios on the page (name + source), first one selected by default. */
  scenarios: ReadonlyArray<{ name: string; source: Source }>;
  trace(source: Source, replication: number, faults: ExtraFault[]): Promise<TraceResult>;
  /** Initial playback time (from the URL). */
  timeS: number | null;
  /** The page stores it in the URL (called on pause, scrub end and after steps, not every frame). */
  onTime(timeS: number): void;
  /** Initial replication and scenarios shown (from the URL; null: replication 0 of the first). */
  replication: number | null;
  shown: readonly number[] | null;
  /** The replications each scenario has (the input's upper bound). */
  replications: number;
  /** The page stores them in the URL once a replication is shown. */
  onSelection(replication: number, shown: number[]): void;
}

/** One scenario's replication, loaded. */
interface Shown {
  index: number;
  name: string;
  colour: string;
  result: TraceResult;
  timeline: Timeline;
  tracker: ClusterTracker;
  view: ClusterView;
  /** The tracker version last drawn. */
  drawn: number;
}

interface WhatIfRun {
  shown: Shown;
  whatIf: WhatIf;
  description: string;
  atS: number;
  after: TraceResult;
  afterTimeline: Timeline;
  prefix: SharedPrefix;
  target: string | null;
  expected: string;
}

/** Metrics shown for each replication at a glance (the rest are in "all metrics"). */
const GLANCE: ReadonlyArray<{ name: string; label: string; unit: string }> = [
  { name: 'service.availability', label: 'service availability', unit: 'fraction of time' },
  { name: 'service.downtimeS', label: 'service downtime', unit: 's' },
  { name: 'service.requestSuccessRate', label: 'request success', unit: 'fraction of requests' },
  { name: 'service.requests.noEndpoint', label: 'requests failed: no endpoint', unit: 'requests' },
  { name: 'service.requests.lostInCrash', label: 'requests lost in a crash', unit: 'requests' },
  { name: 'cost.nodeHours', label: 'node-hours', unit: 'node-hours' },
];

const CAUSE_LOOK: Record<FailureCause, { colour: string; hatch?: number }> = {
  noEndpoint: { colour: OKABE_ITO.vermillion },
  connectionFailed: { colour: OKABE_ITO.orange, hatch: 45 },
  rejected: { colour: OKABE_ITO.purple, hatch: -45 },
  timedOut: { colour: OKABE_ITO.blue, hatch: 90 },
  lostInCrash: { colour: OKABE_ITO.black, hatch: 0 },
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function speedLabel(s: number): string {
  return `×${s.toLocaleString('en-US')}`;
}

/** The speed whose whole run lasts closest to five minutes. */
function defaultSpeed(endS: number): number {
  const want = endS / 300;
  let best: number = SPEEDS[0];
  for (const s of SPEEDS) if (Math.abs(Math.log(s / want)) < Math.abs(Math.log(best / want))) best = s;
  return best;
}

/** A table cell showing a metric value, with the testability contract (data-metric, data-value, data-scenario). */
function metricCell(td: HTMLTableCellElement, name: string, value: number | null, scenario: string, variant?: string): void {
  td.textContent = human(value);
  if (value === null) return;
  td.dataset.metric = `metrics.${name}`;
  td.dataset.value = String(value);
  td.dataset.scenario = scenario;
  if (variant !== undefined) td.dataset.whatif = variant;
  td.title = `${name} = ${value}`;
}

/**
 * The replication explorer: one replication of the chosen scenarios (stacked on one time axis),
 * its cluster at the playback time, its timeline, its time series, playback, brush and zoom, and
 * what-if faults added at the playback time with before and after side by side. Playback only
 * reads the recorded trace.
 */
export function mountExplorer(root: HTMLElement, ctx: ExplorerContext): { destroy(): void } {
  root.replaceChildren();
  root.classList.add('explorer-view');
  const box = el('div', { class: 'explorer' });
  root.append(box);

  // ---- Controls -------------------------------------------------------------------------------
  const controls = el('div', { class: 'toolbar explorer-controls' });
  const pick = el('fieldset', { class: 'scenario-pick' });
  pick.append(el('legend', {}, 'Scenarios shown (the same replication, one time axis)'));
  const checks = ctx.scenarios.map((s, i) => {
    const label = el('label', { class: 'scenario-check' });
    const input = el('input', { type: 'checkbox', value: String(i), 'data-scenario': s.name });
    input.checked = ctx.shown !== null && ctx.shown.some((k) => k < ctx.scenarios.length) ? ctx.shown.includes(i) : i === 0;
    const sw = el('span', { class: 'swatch', 'aria-hidden': 'true' });
    sw.style.background = seriesColour(i);
    label.append(input, sw, document.createTextNode(s.name));
    pick.append(label);
    return input;
  });
  const repLabel = el('label', { class: 'replication-label' }, 'Replication ');
  const repInput = el('input', { type: 'number', id: 'explorer-replication', min: '0', max: String(Math.max(0, ctx.replications - 1)), step: '1', value: String(Math.min(ctx.replication ?? 0, Math.max(0, ctx.replications - 1))), inputmode: 'numeric' });
  repLabel.append(repInput);
  const status = el('span', { class: 'explorer-status', role: 'status', 'aria-live': 'polite' });
  controls.append(pick, repLabel, status);

  const playback = el('div', { class: 'toolbar playback', role: 'group', 'aria-label': 'playback' });
  const playButton = el('button', { type: 'button', id: 'play', 'aria-pressed': 'false' }, '▶ Play');
  const prevEvent = el('button', { type: 'button', title: 'Previous cluster event (Shift+←)' }, '◀◀ event');
  const stepBack = el('button', { type: 'button', title: 'Step back 1% of the window (←)' }, '◀ step');
  const stepFwd = el('button', { type: 'button', title: 'Step forward 1% of the window (→)' }, 'step ▶');
  const nextEvent = el('button', { type: 'button', title: 'Next cluster event (Shift+→)' }, 'event ▶▶');
  const speedLabelEl = el('label', {}, 'Speed ');
  const speedSelect = el('select', { id: 'speed', title: 'simulated time per second of playback' });
  for (const s of SPEEDS) speedSelect.append(el('option', { value: String(s) }, speedLabel(s)));
  speedLabelEl.append(speedSelect);
  const scrubLabel = el('label', { class: 'scrubber-label' }, 'Time ');
  const scrubber = el('input', { type: 'range', id: 'scrubber', min: '0', max: '1', step: 'any', value: '0', 'aria-valuetext': 'day 0' });
  scrubLabel.append(scrubber);
  const timeOut = el('output', { id: 'playback-time', 'data-time-s': '0', 'aria-live': 'off' }, clockText(0));
  playback.append(playButton, prevEvent, stepBack, stepFwd, nextEvent, speedLabelEl, scrubLabel, timeOut);
  const keysHelp = el('p', { class: 'note keys-help' }, 'Keys: Space plays or pauses; ← and → step 1% of the window; Shift+← and Shift+→ jump to the previous or next cluster event. Playback reads the recorded trace: the simulation is not paced by the clock. Press a node, a pod or the database for what-if faults at the playback time.');

  const overviewBox = el('section', { class: 'overview-box', 'aria-label': 'whole run and zoom' });
  const zoomTools = el('div', { class: 'toolbar zoom-tools' });
  const zoomIn = el('button', { type: 'button' }, 'Zoom in');
  const zoomOut = el('button', { type: 'button' }, 'Zoom out');
  const zoomAll = el('button', { type: 'button' }, 'Whole run');
  const windowText = el('span', { class: 'window-text', 'aria-live': 'polite' });
  zoomTools.append(zoomIn, zoomOut, zoomAll, windowText);
  const overviewHolder = el('div', { class: 'overview-holder' });
  overviewBox.append(overviewHolder, zoomTools);

  const clustersBox = el('section', { class: 'clusters', 'aria-label': 'cluster at the playback time' });
  const clustersHeading = el('h2', {}, 'Cluster at the playback time');
  const clustersRow = el('div', { class: 'clusters-row' });
  const menuHolder = el('div', { class: 'whatif-menu-holder' });
  clustersBox.append(clustersHeading, clusterLegend(), clustersRow, menuHolder);

  const whatifBox = el('section', { id: 'whatif', 'aria-label': 'what-if', tabindex: '-1' });
  const glanceBox = el('section', { class: 'glance', 'aria-label': 'this replication’s metrics' });
  const timelineBox = el('section', { class: 'timelines', 'aria-label': 'timeline' });
  const seriesBox = el('section', { class: 'series-box', 'aria-label': 'time series' });
  box.append(controls, playback, keysHelp, overviewBox, clustersBox, whatifBox, glanceBox, timelineBox, seriesBox);

  // ---- State ----------------------------------------------------------------------------------
  const cache = new Map<string, Promise<TraceResult>>();
  let shown: Shown[] = [];
  let endS = 1;
  let domain: [number, number] = [0, 1];
  let timeS = ctx.timeS ?? 0;
  let playing = false;
  let speed = 1000;
  let speedChosen = false;
  let rafId = 0;
  let lastFrame = 0;
  let loadTicket = 0;
  let whatIfRun: WhatIfRun | null = null;
  let whatIfTicket = 0;
  let cursorSvgs: SVGSVGElement[] = [];
  let width = 900;
  let brush: BrushBehavior<undefined> | null = null;
  let brushLayer: SVGGElement | null = null;
  let overviewSvg: SVGSVGElement | null = null;
  let destroyed = false;
  let frameTimes: number[] = [];
  let frames = 0;
  let menuReturn: HTMLElement | null = null;
  /** The what-if table shows only the metrics that changed. */
  let onlyChanged = true;
  /** The replication shown (the input may have changed since). */
  let loadedRep = 0;
  whatifBox.append(el('h2', {}, 'What if'), el('p', { class: 'note' }, 'Press a node, a pod or the database in the cluster view to add a fault at the playback time: the same replication runs again with it, and its timeline and metrics appear here next to the original.'));

  const setStatus = (text: string) => (status.textContent = text);
  const replication = () => {
    const n = Number(repInput.value);
    return Number.isSafeInteger(n) && n >= 0 ? Math.min(n, Math.max(0, ctx.replications - 1)) : 0;
  };
  const traceOf = (i: number, rep: number): Promise<TraceResult> => {
    const key = `${i}|${rep}`;
    let p = cache.get(key);
    if (p === undefined) {
      p = ctx.trace(ctx.scenarios[i]!.source, rep, []);
      p.catch(() => cache.delete(key));
      cache.set(key, p);
    }
    return p;
  };

  // ---- Time -----------------------------------------------------------------------------------
  let onTimeTimer: ReturnType<typeof setTimeout> | null = null;
  const reportTime = (delayMs = 0) => {
    if (onTimeTimer !== null) clearTimeout(onTimeTimer);
    onTimeTimer = setTimeout(() => {
      onTimeTimer = null;
      if (!destroyed) ctx.onTime(timeS);
    }, delayMs);
  };

  /** Moves every view to time t: cursors, readout, scrubber, cluster views (only what changed). */
  function setTime(t: number): void {
    timeS = clampTime(t, endS);
    const text = clockText(timeS);
    timeOut.textContent = text;
    timeOut.dataset.timeS = String(timeS);
    timeOut.title = `${timeS} s since the start`;
    if (document.activeElement !== scrubber || playing) scrubber.value = String(timeS);
    scrubber.setAttribute('aria-valuetext', text);
    for (const svg of cursorSvgs) moveCursor(svg, timeS);
    for (const s of shown) {
      if (s.tracker.changesBy(timeS) || s.tracker.t !== timeS) s.tracker.advance(timeS);
      if (s.tracker.version !== s.drawn) {
        s.view.update(s.tracker.state());
        s.drawn = s.tracker.version;
      }
    }
  }

  /** The work per frame of the last 120 frames played (ms): `data-frame-ms` the most, `data-frame-ms-median` the median. */
  function reportFrames(): void {
    const sorted = [...frameTimes].sort((a, b) => a - b);
    root.dataset.frameMs = sorted[sorted.length - 1]!.toFixed(2);
    root.dataset.frameMsMedian = sorted[Math.floor((sorted.length - 1) / 2)]!.toFixed(2);
  }

  function frame(now: number): void {
    rafId = 0;
    if (!playing || destroyed) return;
    const started = performance.now();
    const t = advanceTime(timeS, now - lastFrame, speed, endS);
    lastFrame = now;
    // Follow the cursor out of a zoomed window: the next window of the same span (a redraw, once per window).
    if (t > domain[1] && (domain[0] > 0 || domain[1] < endS)) {
      const span = domain[1] - domain[0];
      const from = Math.min(Math.max(0, t - span * 0.05), Math.max(0, endS - span));
      setDomain([from, from + span]);
    }
    setTime(t);
    const took = performance.now() - started;
    frameTimes.push(took);
    if (frameTimes.length > 120) frameTimes.shift();
    if (++frames % 30 === 0) reportFrames();
    if (timeS >= endS) {
      pause();
      return;
    }
    rafId = requestAnimationFrame(frame);
  }

  function play(): void {
    if (playing || shown.length === 0) return;
    if (timeS >= endS) setTime(0);
    playing = true;
    playButton.textContent = '⏸ Pause';
    playButton.setAttribute('aria-pressed', 'true');
    lastFrame = performance.now();
    frameTimes = [];
    rafId = requestAnimationFrame(frame);
  }

  function pause(): void {
    if (!playing) return;
    playing = false;
    if (rafId !== 0) cancelAnimationFrame(rafId);
    rafId = 0;
    playButton.textContent = '▶ Play';
    playButton.setAttribute('aria-pressed', 'false');
    if (frameTimes.length > 0) reportFrames();
    reportTime();
  }

  const togglePlay = () => (playing ? pause() : play());
  const step = (direction: 1 | -1) => {
    if (shown.length === 0) return;
    pause();
    setTime(timeS + direction * (domain[1] - domain[0]) * 0.01);
    reportTime(300);
  };
  const jump = (direction: 1 | -1) => {
    if (shown.length === 0) return;
    pause();
    const candidates = shown.map((s) => (direction > 0 ? s.tracker.nextEventAfter(timeS) : s.tracker.previousEventBefore(timeS))).filter((t): t is number => t !== null);
    if (candidates.length === 0) return;
    setTime(direction > 0 ? Math.min(...candidates) : Math.max(...candidates));
    if (timeS < domain[0] || timeS > domain[1]) {
      const span = domain[1] - domain[0];
      const from = Math.min(Math.max(0, timeS - span / 2), Math.max(0, endS - span));
      setDomain([from, from + span]);
    }
    reportTime(300);
  };

  playButton.addEventListener('click', togglePlay);
  stepBack.addEventListener('click', () => step(-1));
  stepFwd.addEventListener('click', () => step(1));
  prevEvent.addEventListener('click', () => jump(-1));
  nextEvent.addEventListener('click', () => jump(1));
  speedSelect.addEventListener('change', () => {
    speed = Number(speedSelect.value);
    speedChosen = true;
  });
  scrubber.addEventListener('input', () => {
    if (shown.length === 0) return;
    pause();
    setTime(Number(scrubber.value));
  });
  scrubber.addEventListener('change', () => reportTime());

  const onKey = (e: KeyboardEvent) => {
    if (destroyed || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement;
    if (target !== document.body && !root.contains(target)) return;
    const tag = target.tagName;
    const type = tag === 'INPUT' ? (target as HTMLInputElement).type : '';
    if (tag === 'SELECT' || tag === 'TEXTAREA' || target.isContentEditable || (tag === 'INPUT' && type !== 'range' && type !== 'checkbox')) return;
    if (e.key === 'Escape' && menuHolder.childElementCount > 0) {
      closeMenu();
      e.preventDefault();
      return;
    }
    if (menuHolder.contains(target)) return;
    if (e.key === ' ' || e.code === 'Space') {
      // Other buttons and checkboxes keep Space for themselves.
      if ((tag === 'BUTTON' && target !== playButton) || type === 'checkbox') return;
      e.preventDefault();
      togglePlay();
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      if (type === 'checkbox') return;
      e.preventDefault();
      const d = e.key === 'ArrowRight' ? 1 : -1;
      if (e.shiftKey) jump(d);
      else step(d);
    }
  };
  document.addEventListener('keydown', onKey);
  // Space on a focused button would also click it on keyup: the play button is handled on keydown alone.
  playButton.addEventListener('keyup', (e) => {
    if (e.key === ' ') e.preventDefault();
  });

  // ---- Zoom -----------------------------------------------------------------------------------
  function describeWindow(): void {
    windowText.textContent = domain[0] <= 0 && domain[1] >= endS ? `Showing the whole run (${duration(endS)}).` : `Showing ${clockText(domain[0])} to ${clockText(domain[1])} (${duration(domain[1] - domain[0])}).`;
  }

  function setDomain(d: [number, number], fromBrush = false): void {
    let [a, b] = d;
    const minSpan = Math.min(endS, 10);
    if (b - a < minSpan) {
      const mid = (a + b) / 2;
      a = mid - minSpan / 2;
      b = mid + minSpan / 2;
    }
    a = Math.max(0, a);
    b = Math.min(endS, b);
    domain = [a, b];
    describeWindow();
    if (!fromBrush && brush !== null && brushLayer !== null && overviewSvg !== null) {
      const x = timeScale([0, endS], width);
      const full = a <= 0 && b >= endS;
      select(brushLayer).call(brush.move as never, full ? null : [x(a), x(b)]);
    }
    drawCharts();
  }

  zoomIn.addEventListener('click', () => {
    const span = (domain[1] - domain[0]) / 4;
    const c = timeS >= domain[0] && timeS <= domain[1] ? timeS : (domain[0] + domain[1]) / 2;
    setDomain([c - span, c + span]);
  });
  zoomOut.addEventListener('click', () => {
    const span = (domain[1] - domain[0]) * 2;
    const c = (domain[0] + domain[1]) / 2;
    setDomain([Math.max(0, c - span / 2), Math.min(endS, c + span / 2)]);
  });
  zoomAll.addEventListener('click', () => setDomain([0, endS]));

  // ---- Drawing --------------------------------------------------------------------------------
  /** Charts fill the view's width, less their figure's padding and border. */
  const chartWidth = () => Math.max(640, Math.floor(box.clientWidth || root.clientWidth || 1000) - 28);

  function figure(svg: SVGSVGElement, name: string, cls = ''): HTMLElement {
    const f = el('figure', { class: `chart-figure ${cls}`.trim() });
    f.append(svg, exportButtons(() => svg, name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')));
    return f;
  }

  function drawOverview(): void {
    const rows = shown.map((s) => {
      const series = seriesOf(s.result.records, 0, s.result.horizonS, Math.max(50, Math.floor((width - TIME_MARGIN.left - TIME_MARGIN.right) / 2)));
      const failing: Array<[number, number]> = [];
      if (series.traffic !== null) {
        const b = series.buckets;
        for (let k = 0; k < b.count; k++) if (FAILURE_CAUSES.some((c) => series.traffic!.failed[c][k]! > 0.5)) failing.push([b.fromS + k * b.widthS, b.widthS]);
      }
      return { scenario: s.name, colour: s.colour, endS: s.result.horizonS, faults: s.result.records.filter((r) => r.kind === 'fault').map((r) => r.t), failing };
    });
    overviewSvg = overviewChart(rows, endS, width);
    const layer = overviewSvg.querySelector<SVGGElement>('g.brush-layer')!;
    brushLayer = layer;
    const x = timeScale([0, endS], width);
    const top = Number(layer.dataset.top);
    const bottom = Number(layer.dataset.bottom);
    brush = brushX<undefined>()
      .extent([
        [TIME_MARGIN.left, top],
        [width - TIME_MARGIN.right, bottom],
      ])
      .on('end', (e: { selection: [number, number] | null; sourceEvent: unknown }) => {
        if (e.sourceEvent === undefined || e.sourceEvent === null) return;
        if (e.selection === null) setDomain([0, endS], true);
        else setDomain([x.invert(e.selection[0]), x.invert(e.selection[1])], true);
      });
    select(layer).call(brush as never);
    if (domain[0] > 0 || domain[1] < endS) select(layer).call(brush.move as never, [x(domain[0]), x(domain[1])]);
    overviewHolder.replaceChildren(overviewSvg);
  }

  function drawCharts(): void {
    timelineBox.replaceChildren();
    seriesBox.replaceChildren();
    if (shown.length === 0) return;
    timelineBox.append(el('h2', {}, 'Timeline'));
    timelineBox.append(el('p', { class: 'note' }, 'A row per node, per pod and per stateful artifact (who runs it). Hover a bar for its state and times. Faults are red rules with a triangle on the row they hit; coordination events are black ticks (◆ an election).'));
    for (const s of shown) {
      const svg = ganttChart(s.timeline, { title: `Timeline: ${s.name}, replication ${loadedRep}`, width, domain, warmupS: s.result.warmupS, scenario: s.name });
      const f = figure(svg, `timeline-${s.name}`, 'gantt-figure');
      f.dataset.scenario = s.name;
      timelineBox.append(f);
    }
    seriesBox.append(el('h2', {}, 'Time series'));
    const buckets = Math.max(20, Math.floor((width - TIME_MARGIN.left - TIME_MARGIN.right) / 4));
    const data: Array<{ s: Shown; d: SeriesData }> = shown.map((s) => ({ s, d: seriesOf(s.result.records, domain[0], domain[1], buckets, s.result.latencyTemplates) }));
    const bucketText = `per ${duration(data[0]!.d.buckets.widthS)} bucket`;

    // Throughput: every scenario on one chart.
    const throughput: SeriesLine[] = [];
    for (const { s, d } of data) {
      if (d.traffic === null) continue;
      const starts = d.traffic.arrived.map((_, k) => d.buckets.fromS + k * d.buckets.widthS);
      const pts = (v: readonly number[]): Array<[number, number]> => [...starts.map((t, k) => [t, v[k]!] as [number, number]), [d.buckets.toS, v.at(-1)!]];
      throughput.push({ label: `${s.name}: served`, colour: s.colour, points: pts(d.traffic.succeeded), curve: 'step' });
      throughput.push({ label: `${s.name}: arrived`, colour: s.colour, dash: '5 3', points: pts(d.traffic.arrived), curve: 'step' });
    }
    const common = { width, domain, warmupS: shown[0]!.result.warmupS } as const;
    if (throughput.length > 0) seriesBox.append(figure(seriesChart(throughput, { ...common, title: `Throughput, mean ${bucketText}`, unit: 'requests/s', name: 'throughput' }), 'throughput'));
    else seriesBox.append(figure(noDataChart('No traffic records in these traces: the requests mode records single requests only when asked to, and the explorer does not ask (a year of requests is billions of records).', { ...common, title: 'Throughput', unit: 'requests/s', name: 'throughput' }), 'throughput'));

    for (const { s, d } of data) {
      const group = el('div', { class: 'series-group', 'data-scenario': s.name });
      group.append(el('h3', {}, s.name));
      // Failed requests by cause.
      if (d.traffic !== null) {
        const stacks: Stack[] = FAILURE_CAUSES.map((c) => ({ label: CAUSE_LABELS[c], colour: CAUSE_LOOK[c].colour, ...(CAUSE_LOOK[c].hatch !== undefined ? { hatch: CAUSE_LOOK[c].hatch } : {}), values: d.traffic!.failed[c] }));
        group.append(figure(stackedBuckets(d.buckets, stacks, { ...common, warmupS: s.result.warmupS, title: `Failed requests by cause, ${bucketText}: ${s.name}`, unit: 'requests', name: `failed-${s.name}` }), `failed-${s.name}`));
      } else group.append(figure(noDataChart('No traffic records in this trace (requests mode without single requests traced).', { ...common, title: `Failed requests by cause: ${s.name}`, unit: 'requests', name: `failed-${s.name}` }), `failed-${s.name}`));
      // Endpoints in rotation.
      const endpointLines: SeriesLine[] = d.endpoints.flatMap((e, k) => [
        { label: `${e.workload}: Ready (in rotation)`, colour: seriesColour(k), points: e.ready, curve: 'step' as const },
        { label: `${e.workload}: serving (Ready and answering)`, colour: seriesColour(k), dash: '4 3', points: e.serving, curve: 'step' as const },
      ]);
      group.append(figure(seriesChart(endpointLines, { ...common, warmupS: s.result.warmupS, title: `Endpoints in rotation: ${s.name}`, unit: 'pods', name: `endpoints-${s.name}`, height: 110 }), `endpoints-${s.name}`));
      // Message backlog.
      if (d.backlog.length > 0) {
        const lines: SeriesLine[] = d.backlog.map((b, k) => ({ label: b.artifact, colour: seriesColour(k), ...(k % 2 === 1 ? { dash: '5 3' } : {}), points: b.points, curve: 'linear' as const }));
        group.append(figure(seriesChart(lines, { ...common, warmupS: s.result.warmupS, title: `Message backlog: ${s.name}`, unit: 'messages waiting', name: `backlog-${s.name}`, height: 110 }), `backlog-${s.name}`));
      } else group.append(figure(noDataChart('No message store in this scenario (no message processor or inbound endpoint with a backlog).', { ...common, title: `Message backlog: ${s.name}`, unit: 'messages', name: `backlog-${s.name}` }), `backlog-${s.name}`));
      // Latency percentiles: only when the trace has them.
      if (d.latency.available) {
        const starts = d.latency.p50.map((_, k) => d.buckets.fromS + (k + 0.5) * d.buckets.widthS);
        const lines: SeriesLine[] = (['p50', 'p95', 'p99'] as const).map((q, k) => ({ label: q, colour: seriesColour(k), ...(k > 0 ? { dash: k === 1 ? '5 3' : '2 2' } : {}), points: starts.map((t, j) => [t, (d.latency as { p50: number[]; p95: number[]; p99: number[] })[q][j]!] as [number, number]), curve: 'linear' as const }));
        group.append(figure(seriesChart(lines, { ...common, warmupS: s.result.warmupS, title: `Latency percentiles, ${bucketText}: ${s.name}`, unit: 'ms', name: `latency-${s.name}` }), `latency-${s.name}`));
      } else {
        const f = figure(noDataChart(d.latency.reason, { ...common, title: `Latency percentiles: ${s.name}`, unit: 'ms', name: `latency-${s.name}` }), `latency-${s.name}`);
        const values = new Map(s.result.values);
        const note = el('p', { class: 'note latency-note' }, 'Over the whole measured window this replication’s latency was: ');
        (['p50', 'p95', 'p99'] as const).forEach((q, k) => {
          const name = `service.latencyMs.${q}`;
          const v = values.get(name);
          if (v === undefined) return;
          const span = el('span', { 'data-metric': `metrics.${name}`, 'data-value': String(v), 'data-scenario': s.name }, `${q} ${human(v)} ms`);
          note.append(span, document.createTextNode(k < 2 ? ', ' : '.'));
        });
        if (note.childElementCount > 0) f.append(note);
        group.append(f);
      }
      seriesBox.append(group);
    }
    drawWhatIf();
    collectCursors();
  }

  function collectCursors(): void {
    cursorSvgs = [...root.querySelectorAll<SVGSVGElement>('svg.chart')].filter((svg) => svg.querySelector('line.time-cursor') !== null);
    for (const svg of cursorSvgs) moveCursor(svg, timeS);
  }

  function drawGlance(): void {
    glanceBox.replaceChildren();
    if (shown.length === 0) return;
    glanceBox.append(el('h2', {}, `This replication’s metrics (replication ${loadedRep})`));
    const t = el('table', { class: 'numbers glance-table' });
    t.append(el('caption', {}, 'The replication’s own values (measured after the warm-up), as in the --json result under metrics.'));
    const head = el('tr');
    head.append(el('th', { scope: 'col' }, 'metric'), ...shown.map((s) => el('th', { scope: 'col' }, s.name)));
    const thead = el('thead');
    thead.append(head);
    const body = el('tbody');
    const maps = shown.map((s) => new Map(s.result.values));
    for (const g of GLANCE) {
      if (!maps.some((m) => m.has(g.name))) continue;
      const tr = el('tr');
      tr.append(el('th', { scope: 'row' }, `${g.label} (${g.unit})`));
      shown.forEach((s, i) => {
        const td = el('td');
        metricCell(td, g.name, maps[i]!.get(g.name) ?? null, s.name);
        tr.append(td);
      });
      body.append(tr);
    }
    t.append(thead, body);
    glanceBox.append(t);
    const details = el('details', { class: 'all-metrics' });
    details.append(el('summary', {}, 'All metrics of this replication'));
    const all = el('table', { class: 'numbers' });
    const names = [...new Set(shown.flatMap((s) => s.result.values.map(([n]) => n)))];
    const allHead = el('tr');
    allHead.append(el('th', { scope: 'col' }, 'metric'), ...shown.map((s) => el('th', { scope: 'col' }, s.name)));
    const allThead = el('thead');
    allThead.append(allHead);
    const allBody = el('tbody');
    for (const n of names) {
      const tr = el('tr');
      tr.append(el('th', { scope: 'row' }, `metrics.${n}`));
      shown.forEach((s, i) => {
        const td = el('td');
        metricCell(td, n, maps[i]!.get(n) ?? null, s.name);
        tr.append(td);
      });
      allBody.append(tr);
    }
    all.append(allThead, allBody);
    details.append(all);
    glanceBox.append(details);
  }

  // ---- Loading --------------------------------------------------------------------------------
  async function load(): Promise<void> {
    const ticket = ++loadTicket;
    pause();
    const indices = checks.map((c, i) => (c.checked ? i : -1)).filter((i) => i >= 0);
    const rep = replication();
    if (indices.length === 0) {
      setStatus('Choose at least one scenario.');
      return;
    }
    setStatus(`Tracing replication ${rep} of ${indices.map((i) => ctx.scenarios[i]!.name).join(', ')}…`);
    root.dataset.loading = 'true';
    let results: TraceResult[];
    try {
      results = await Promise.all(indices.map((i) => traceOf(i, rep)));
    } catch (err) {
      if (ticket !== loadTicket || destroyed) return;
      root.dataset.loading = 'false';
      setStatus(`The replication could not be traced: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (ticket !== loadTicket || destroyed) return;
    closeMenu();
    whatIfRun = null;
    loadedRep = rep;
    shown = results.map((result, k) => {
      const index = indices[k]!;
      const name = ctx.scenarios[index]!.name;
      const view = new ClusterView(name, (p, b) => openMenu(index, p, b));
      return {
        index,
        name,
        colour: seriesColour(index),
        result,
        timeline: timelineOf(result.records, result.horizonS, result.nodes.map((n) => n.name)),
        tracker: new ClusterTracker(result.records, result.nodes),
        view,
        drawn: -1,
      };
    });
    const previousEnd = endS;
    endS = Math.max(...shown.map((s) => s.result.horizonS));
    scrubber.max = String(endS);
    if (!speedChosen) {
      speed = defaultSpeed(endS);
      speedSelect.value = String(speed);
    }
    if (previousEnd !== endS || domain[1] > endS || domain[1] <= domain[0]) domain = [0, endS];
    width = chartWidth();
    clustersRow.replaceChildren(...shown.map((s) => s.view.element));
    clustersRow.dataset.count = String(shown.length);
    drawOverview();
    describeWindow();
    drawGlance();
    drawWhatIfIntro();
    drawCharts();
    setTime(timeS);
    root.dataset.loading = 'false';
    root.dataset.ready = 'true';
    ctx.onSelection(rep, indices);
    setStatus(`Replication ${rep}: ${shown.map((s) => `${s.name} (${s.result.records.length.toLocaleString('en-US')} records)`).join(', ')}.`);
  }

  let loadTimer: ReturnType<typeof setTimeout> | null = null;
  const reload = () => {
    if (loadTimer !== null) clearTimeout(loadTimer);
    loadTimer = setTimeout(() => void load(), 150);
  };
  for (const c of checks) c.addEventListener('change', reload);
  repInput.addEventListener('change', reload);

  // ---- What-if --------------------------------------------------------------------------------
  function closeMenu(): void {
    if (menuHolder.childElementCount === 0) return;
    menuHolder.replaceChildren();
    const back = menuReturn;
    menuReturn = null;
    if (back !== null && back.isConnected) back.focus();
  }

  function select_<T extends string>(label: string, options: ReadonlyArray<[T, string]>, initial: T): { label: HTMLLabelElement; select: HTMLSelectElement } {
    const l = el('label', {}, `${label} `);
    const s = el('select');
    for (const [v, text] of options) {
      const o = el('option', { value: v }, text);
      o.selected = v === initial;
      s.append(o);
    }
    l.append(s);
    return { label: l, select: s };
  }

  function openMenu(index: number, p: ClusterPick, button: HTMLElement): void {
    pause();
    const s = shown.find((x) => x.index === index);
    if (s === undefined) return;
    const atS = timeS;
    menuReturn = button;
    const menu = el('div', { class: 'whatif-menu', role: 'dialog', 'aria-labelledby': 'whatif-menu-title' });
    const title = el('h3', { id: 'whatif-menu-title' }, `What if, at ${clockText(atS)} in ${s.name} (replication ${loadedRep})…`);
    menu.append(title);
    const offer = (legend: string, fields: HTMLElement[], action: string, make: () => { whatIf: WhatIf; description: string; expected: string } | null, note?: string) => {
      const fs = el('fieldset', { class: 'whatif-option' });
      fs.append(el('legend', {}, legend));
      if (note !== undefined) fs.append(el('p', { class: 'note' }, note));
      fs.append(...fields);
      const go = el('button', { type: 'button', class: 'whatif-run' }, action);
      go.addEventListener('click', () => {
        const made = make();
        if (made === null) return;
        closeMenu();
        void runWhatIf(s, made.whatIf, made.description, made.expected, atS);
      });
      fs.append(go);
      menu.append(fs);
      return go;
    };
    if (p.kind === 'node') {
      const repair = select_('repaired after', [['drawn', 'a time drawn from the pool’s repair time'], ['600', '10 min'], ['3600', '1 h'], ['28800', '8 h'], ['never', 'never']], 'drawn');
      offer('node-crash: the node dies abruptly', [repair.label], `Crash ${p.name}`, () => {
        const v = repair.select.value;
        const whatIf: WhatIf = v === 'drawn' ? { type: 'node-crash', node: p.name } : { type: 'node-crash', node: p.name, repairAfterS: v === 'never' ? null : Number(v) };
        return { whatIf, description: `node-crash of ${p.name}${v === 'drawn' ? '' : v === 'never' ? ', never repaired' : `, repaired after ${duration(Number(v))}`}`, expected: p.name };
      });
      const dur = select_('lasting', [['600', '10 min'], ['3600', '1 h'], ['28800', '8 h'], ['never', 'never heals']], '3600');
      const from = select_('cut off from', [['both', 'control plane and database'], ['control-plane', 'the control plane'], ['database', 'the coordination database']], 'both');
      offer('node-partition: the node is cut off from the network', [dur.label, from.label], `Partition ${p.name}`, () => {
        const v = dur.select.value;
        const whatIf: WhatIf = { type: 'node-partition', node: p.name, durationS: v === 'never' ? null : Number(v), from: from.select.value as 'both' | 'control-plane' | 'database' };
        return { whatIf, description: `node-partition of ${p.name} from ${from.select.value}, ${v === 'never' ? 'never healing' : `for ${duration(Number(v))}`}`, expected: p.name };
      });
    } else if (p.kind === 'pod') {
      s.tracker.advance(atS);
      const podIndex = s.tracker.livePodIndex(p.name);
      const go = offer(
        'pod-crash: the container process exits (the kubelet restarts it)',
        [],
        `Crash ${p.name}`,
        () => (podIndex === null ? null : { whatIf: { type: 'pod-crash', workload: p.workload, podIndex }, description: `pod-crash of ${p.name} (workload ${p.workload}, podIndex ${podIndex})`, expected: p.name }),
        podIndex === null
          ? `${p.name} is being deleted: a scripted pod-crash names a pod by its index among the workload’s live pods, so it cannot name this one.`
          : `Scripted as workload ${p.workload}, podIndex ${podIndex}: its index among ${p.workload}’s live pods, oldest first, at this time.`,
      );
      go.disabled = podIndex === null;
    } else {
      const dur = select_('lasting', [['60', '1 min'], ['600', '10 min'], ['3600', '1 h'], ['28800', '8 h']], '600');
      offer('coordination-db-outage: every coordination-database query fails', [dur.label], 'Take the database down', () => ({
        whatIf: { type: 'coordination-db-outage', durationS: Number(dur.select.value) },
        description: `coordination-db-outage for ${duration(Number(dur.select.value))}`,
        expected: 'coordination-db',
      }));
    }
    const cancel = el('button', { type: 'button', class: 'whatif-cancel' }, 'Cancel');
    cancel.addEventListener('click', closeMenu);
    menu.append(cancel);
    menuHolder.replaceChildren(menu);
    menu.querySelector<HTMLElement>('select, button:not([disabled])')?.focus();
  }

  async function runWhatIf(s: Shown, whatIf: WhatIf, description: string, expected: string, atS: number): Promise<void> {
    const ticket = ++whatIfTicket;
    const entry = faultEntry(whatIf, atS);
    whatifBox.replaceChildren(el('h2', {}, 'What if'), el('p', { class: 'note', role: 'status' }, `Running replication ${loadedRep} of ${s.name} again with ${description} at ${clockText(atS)}…`));
    whatifBox.dataset.state = 'running';
    let after: TraceResult;
    try {
      after = await ctx.trace(ctx.scenarios[s.index]!.source, loadedRep, [entry]);
    } catch (err) {
      if (ticket !== whatIfTicket || destroyed) return;
      whatifBox.dataset.state = 'error';
      whatifBox.replaceChildren(el('h2', {}, 'What if'), el('p', { role: 'alert' }, `The what-if could not run: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    if (ticket !== whatIfTicket || destroyed || !shown.includes(s)) return;
    whatIfRun = {
      shown: s,
      whatIf,
      description,
      atS,
      after,
      afterTimeline: timelineOf(after.records, after.horizonS, after.nodes.map((n) => n.name)),
      prefix: sharedPrefix(s.result.records, after.records, atS),
      target: faultTarget(after.records, whatIf.type, atS),
      expected,
    };
    // The fault's time in the window every timeline shows (the same axis before and after).
    if (atS < domain[0] || atS > domain[1]) {
      const span = domain[1] - domain[0];
      const from = Math.min(Math.max(0, atS - span / 4), Math.max(0, endS - span));
      setDomain([from, from + span]);
    } else {
      drawWhatIf();
      collectCursors();
    }
    whatifBox.focus({ preventScroll: false });
  }

  function drawWhatIfIntro(): void {
    whatifBox.dataset.state = 'none';
    whatifBox.replaceChildren(el('h2', {}, 'What if'), el('p', { class: 'note' }, 'Press a node, a pod or the database in the cluster view to add a fault at the playback time: the same replication runs again with it, and its timeline and metrics appear here next to the original.'));
  }

  function drawWhatIf(): void {
    const w = whatIfRun;
    if (w === null) return;
    const s = w.shown;
    whatifBox.dataset.state = 'done';
    whatifBox.dataset.identical = String(w.prefix.identical);
    const heading = el('h2', {}, `What if: ${w.description} at ${clockText(w.atS)}`);
    const about = el('p', {}, `${s.name}, replication ${loadedRep}, run again with this fault added (scripted as faults[…] = ${JSON.stringify(faultEntry(w.whatIf, w.atS))}).`);
    const hit = el('p', { class: 'whatif-target' });
    if (w.target === null) hit.textContent = 'The fault’s record is missing from the new trace.';
    else if (w.target === w.expected) hit.textContent = `The fault hit ${w.target}.`;
    else hit.textContent = `Note: the fault record says “${w.target}” (${w.expected} was chosen).`;
    const prefix = el('p', { class: 'whatif-prefix', 'data-identical': String(w.prefix.identical) });
    if (w.prefix.identical) prefix.textContent = `Both runs are identical before the fault: all ${w.prefix.compared.toLocaleString('en-US')} records before ${clockText(w.atS)} match in time, kind and fields.`;
    else {
      const d = w.prefix.firstDifference!;
      prefix.textContent = `Warning: the runs differ before the fault, at record ${d.index}: before ${JSON.stringify(d.before ?? null)}, after ${JSON.stringify(d.after ?? null)}.`;
    }
    const clear = el('button', { type: 'button' }, 'Clear the what-if');
    clear.addEventListener('click', () => {
      whatIfRun = null;
      drawWhatIfIntro();
      collectCursors();
    });
    const timelines = el('div', { class: 'whatif-timelines' });
    const before = ganttChart(s.timeline, { title: `Before: ${s.name}`, width, domain, warmupS: s.result.warmupS, scenario: s.name, whatIfS: w.atS });
    const afterSvg = ganttChart(w.afterTimeline, { title: `After: ${s.name} with ${w.description}`, width, domain, warmupS: w.after.warmupS, scenario: s.name, whatIfS: w.atS });
    const fb = figure(before, `whatif-before-${s.name}`, 'gantt-figure');
    fb.dataset.whatif = 'before';
    const fa = figure(afterSvg, `whatif-after-${s.name}`, 'gantt-figure');
    fa.dataset.whatif = 'after';
    timelines.append(fb, fa);
    const table = el('table', { class: 'numbers whatif-metrics' });
    table.append(el('caption', {}, 'The replication’s metric values before and after the fault (after − before; changed rows marked).'));
    const thead = el('thead');
    const hr = el('tr');
    hr.append(el('th', { scope: 'col' }, 'metric'), el('th', { scope: 'col' }, 'before'), el('th', { scope: 'col' }, 'after'), el('th', { scope: 'col' }, 'difference'), el('th', { scope: 'col' }, 'changed'));
    thead.append(hr);
    const body = el('tbody');
    for (const c of metricChanges(s.result.values, w.after.values)) {
      const tr = el('tr');
      const changed = !(c.before === c.after || (Number.isNaN(c.before) && Number.isNaN(c.after)));
      if (changed) tr.className = 'changed';
      tr.append(el('th', { scope: 'row' }, `metrics.${c.name}`));
      for (const [variant, v] of [['before', c.before], ['after', c.after], ['difference', c.difference]] as const) {
        const td = el('td');
        metricCell(td, c.name, v, s.name, variant);
        if (variant === 'difference' && v !== null && v > 0) td.textContent = `+${td.textContent}`;
        tr.append(td);
      }
      tr.append(el('td', {}, changed ? 'yes' : ''));
      body.append(tr);
    }
    table.append(thead, body);
    const tableBox = el('div', { class: 'table-box' });
    const onlyLabel = el('label', { class: 'only-changed' });
    const only = el('input', { type: 'checkbox' });
    only.checked = onlyChanged;
    const applyOnly = () => {
      for (const tr of body.querySelectorAll('tr')) tr.hidden = only.checked && !tr.classList.contains('changed');
    };
    only.addEventListener('change', () => {
      onlyChanged = only.checked;
      applyOnly();
    });
    applyOnly();
    const changedCount = body.querySelectorAll('tr.changed').length;
    onlyLabel.append(only, document.createTextNode(` only the metrics that changed (${changedCount} of ${body.childElementCount})`));
    tableBox.append(onlyLabel, table);
    whatifBox.replaceChildren(heading, about, hit, prefix, clear, timelines, tableBox);
  }

  // ---- Resize and teardown -------------------------------------------------------------------
  let resizeTimer: ReturnType<typeof setTimeout> | null = null;
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
    if (resizeTimer !== null) clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      const w = chartWidth();
      if (shown.length === 0 || Math.abs(w - width) < 24) return;
      width = w;
      drawOverview();
      drawCharts();
    }, 200);
  });
  observer?.observe(root);

  void load();

  return {
    destroy() {
      // A time not yet reported (playing, or a step just taken) is kept in the URL.
      const unreported = playing || onTimeTimer !== null;
      pause();
      destroyed = true;
      if (onTimeTimer !== null) clearTimeout(onTimeTimer);
      if (unreported && shown.length > 0) ctx.onTime(timeS);
      if (loadTimer !== null) clearTimeout(loadTimer);
      if (resizeTimer !== null) clearTimeout(resizeTimer);
      observer?.disconnect();
      document.removeEventListener('keydown', onKey);
      root.classList.remove('explorer-view');
      delete root.dataset.frameMs;
      delete root.dataset.frameMsMedian;
      delete root.dataset.loading;
      delete root.dataset.ready;
      root.replaceChildren();
    },
  };
}
