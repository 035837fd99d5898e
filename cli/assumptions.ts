import { makeDistribution, type DistSpec } from '../sim/engine/distributions.js';
import type { Scenario } from '../sim/scenario/index.js';
import { formatDuration } from '../sim/scenario/units.js';
import { wrapWords } from './format.js';

/**
 * What a result assumes: the failure processes a scenario switches on, each with its rate, and those
 * it leaves off. "0 duplicates" means little if JVM pauses were never simulated, so every table
 * ends with this.
 */

/** The failure processes of the model, in the order the assumptions list them. */
export const PROCESSES = [
  'node crash',
  'node partition',
  'zone outage',
  'clock skew',
  'container crash',
  'container hang',
  'JVM pause',
  'coordination-database outage',
  'coordination-database slowness',
  'backend failure',
  'operator maintenance',
] as const;

export type ProcessName = (typeof PROCESSES)[number];

/** A mean time, as a duration (`14d`, `666d16h`). */
function mean(spec: DistSpec): string {
  const m = makeDistribution(spec).mean;
  if (!Number.isFinite(m)) return 'never (infinite mean)';
  // To the hour past a day, to the minute past an hour: a mean, not a timestamp.
  if (m < 60) return formatDuration(Number(m.toPrecision(3)));
  const step = m >= 86400 ? 3600 : m >= 3600 ? 60 : 1;
  return formatDuration(Math.round(m / step) * step);
}

/** The middle 95% of a signed distribution (`-28.5s to 28.5s`), or its value when constant. */
function range(spec: DistSpec): string {
  const d = makeDistribution(spec);
  const lo = d.quantile(0.025);
  const hi = d.quantile(0.975);
  const text = (x: number) => `${x < 0 ? '-' : ''}${formatDuration(Number(Math.abs(x).toPrecision(3)))}`;
  return lo === hi ? text(lo) : `${text(lo)} to ${text(hi)} (95%)`;
}

/**
 * Each process a scenario has on, with how it is set: `[process, description]`. The coordination
 * database's failures count only where some workload uses the database.
 */
export function processesOn(s: Scenario): Array<[ProcessName, string]> {
  const on: Array<[ProcessName, string]> = [];
  const pools = (pick: (p: Scenario['cluster']['nodePools'][number]) => string | null, what: ProcessName) => {
    const parts = s.cluster.nodePools.map((p) => [p.name, pick(p)] as const).filter((x): x is readonly [string, string] => x[1] !== null);
    if (parts.length > 0) on.push([what, parts.map(([name, text]) => (s.cluster.nodePools.length > 1 ? `${name}: ${text}` : text)).join('; ')]);
  };
  pools((p) => (p.failures.crash === null ? null : `each node every ${mean(p.failures.crash.timeToFailure)} on average, repaired in ${mean(p.failures.repairTime)}`), 'node crash');
  pools((p) => (p.failures.partition === null ? null : `each node every ${mean(p.failures.partition.timeBetween)}, for ${mean(p.failures.partition.duration)} (cut off from ${p.failures.partition.from === 'both' ? 'the control plane and the database' : `the ${p.failures.partition.from}`})`), 'node partition');
  const zones = s.cluster.zoneOutages;
  if (zones !== null) on.push(['zone outage', `each zone every ${mean(zones.timeBetween)}, for ${mean(zones.duration)} (every node of it ${zones.mode === 'crash' ? 'down' : 'cut off'})`]);
  pools((p) => (p.failures.clockSkew === null ? null : `each node every ${mean(p.failures.clockSkew.timeBetween)}, off by ${range(p.failures.clockSkew.offset)} for ${mean(p.failures.clockSkew.duration)}`), 'clock skew');
  const workloads = (pick: (w: Scenario['workloads'][number]) => string | null, what: ProcessName) => {
    const parts = s.workloads.map((w) => [w.name, pick(w)] as const).filter((x): x is readonly [string, string] => x[1] !== null);
    if (parts.length === 0) return;
    const texts = new Set(parts.map(([, t]) => t));
    // The same setting everywhere is said once.
    on.push([what, texts.size === 1 && parts.length === s.workloads.length ? parts[0]![1] : parts.map(([name, text]) => `${name}: ${text}`).join('; ')]);
  };
  workloads((w) => (w.failures.crash === null ? null : `each pod every ${mean(w.failures.crash.timeToFailure)} on average`), 'container crash');
  workloads((w) => (w.failures.hang === null ? null : `each pod every ${mean(w.failures.hang.timeToFailure)} on average`), 'container hang');
  workloads((w) => (w.failures.jvmPause === null ? null : `each pod every ${mean(w.failures.jvmPause.timeToFailure)}, for ${mean(w.failures.jvmPause.duration)}`), 'JVM pause');
  if (s.workloads.some((w) => w.coordination)) {
    const db = s.coordination.database.failures;
    if (db.outage !== null) on.push(['coordination-database outage', `every ${mean(db.outage.timeBetween)}, for ${mean(db.outage.duration)}`]);
    if (db.slowness !== null) on.push(['coordination-database slowness', `every ${mean(db.slowness.timeBetween)}, for ${mean(db.slowness.duration)}, queries taking ${mean(db.slowness.queryTime)}`]);
  }
  const backends = new Map<string, string>();
  for (const w of s.workloads) {
    for (const a of w.artifacts) {
      if (a.kind === 'message-processor' && a.backendFailures !== null) backends.set(a.name, `every ${mean(a.backendFailures.timeBetween)}, for ${mean(a.backendFailures.duration)}`);
    }
  }
  if (backends.size > 0) on.push(['backend failure', [...backends].map(([name, text]) => `${name}: ${text}`).join('; ')]);
  // An operator's deactivations (docs/model.md §10.5): not a failure, so never listed as off.
  const maintained = new Map<string, string>();
  for (const w of s.workloads) {
    for (const a of w.artifacts) {
      if ((a.kind === 'message-processor' || a.kind === 'inbound-endpoint') && a.maintenance !== null) {
        maintained.set(a.name, `every ${mean(a.maintenance.timeBetween)}, deactivated for ${mean(a.maintenance.duration)} (registry ${w.registry})`);
      }
    }
  }
  if (maintained.size > 0) on.push(['operator maintenance', [...maintained].map(([name, text]) => `${name}: ${text}`).join('; ')]);
  return on;
}

/** Whether a process can happen in a scenario at all (the database's failures need a workload that uses it). */
function applies(s: Scenario, p: ProcessName): boolean {
  if (p === 'coordination-database outage' || p === 'coordination-database slowness') return s.workloads.some((w) => w.coordination);
  if (p === 'backend failure') return s.workloads.some((w) => w.artifacts.some((a) => a.kind === 'message-processor'));
  if (p === 'operator maintenance') return s.workloads.some((w) => w.artifacts.some((a) => a.kind === 'message-processor' || a.kind === 'inbound-endpoint'));
  return true;
}

/** The scripted faults, counted by type: `2 node-crash, 1 rolling-update`. */
function scripted(s: Scenario): string | null {
  if (s.faults.length === 0) return null;
  const counts = new Map<string, number>();
  for (const f of s.faults) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => `${n} ${type}`).join(', ');
}

/**
 * The assumptions block: a line per failure process that is on in some scenario (with its rate;
 * per scenario where they differ), the scripted faults, and the processes left off, within
 * `width` characters.
 */
export function formatAssumptions(scenarios: readonly Scenario[], labels: readonly string[], width = 100): string {
  const on = scenarios.map(processesOn);
  const lines: string[] = ['Failure processes on (mean times):'];
  for (const p of PROCESSES) {
    const where = on.map((list, k) => ({ k, text: list.find(([name]) => name === p)?.[1] ?? null }));
    const texts = [...new Set(where.filter((x) => x.text !== null).map((x) => x.text!))];
    if (texts.length === 0) continue;
    const having = where.filter((x) => x.text !== null);
    const relevant = scenarios.filter((s) => applies(s, p)).length;
    let text: string;
    if (texts.length === 1) text = `${p}: ${texts[0]}${having.length < relevant ? ` (in ${having.map((x) => labels[x.k]).join(', ')})` : ''}`;
    else text = `${p}: ${texts.map((t) => `${t} (in ${having.filter((x) => x.text === t).map((x) => labels[x.k]).join(', ')})`).join('; ')}`;
    lines.push(...wrapWords(text, width, '  ', '    '));
  }
  const faults = scenarios.map(scripted);
  if (faults.some((f) => f !== null)) {
    const text = scenarios.length === 1 ? faults[0]! : faults.map((f, k) => (f === null ? null : `${labels[k]}: ${f}`)).filter(Boolean).join('; ');
    lines.push(...wrapWords(`scripted faults: ${text}`, width, '  ', '    '));
  }
  if (lines.length === 1) lines[0] = 'Failure processes on: none.';
  const off = PROCESSES.filter((p) => p !== 'operator maintenance' && on.every((list) => !list.some(([name]) => name === p)) && scenarios.some((s) => applies(s, p)));
  if (off.length > 0) lines.push(...wrapWords(`Off (not simulated): ${off.join(', ')}.`, width, '', '  '));
  return `${lines.join('\n')}\n`;
}
