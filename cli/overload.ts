import { loadAgainstCapacity, type RunResult } from '../sim/experiment/index.js';
import type { Scenario } from '../sim/scenario/index.js';
import { at, clipName, grouped } from './format.js';

/** A rate in requests/s, with three significant digits at least and thousands separators. */
function rps(x: number): string {
  return `${grouped(x, x >= 100 ? 0 : x >= 1 ? 1 : 3)}/s`;
}

/**
 * Printed on stderr before a run whose offered load no pod count in it can serve: a workload's
 * mean rate is above what its pods serve with every replica up, each on a node of its own. The run
 * still happens; the message says why its numbers will be bad. Null when every workload can.
 */
export function unservableWarning(scenario: Scenario): string | null {
  const lines: string[] = [];
  for (const l of loadAgainstCapacity(scenario)) {
    if (!(l.meanRps > l.capacityRps)) continue;
    const cpu = l.cpuMeanS > 0 ? ` (${grouped(l.coresPerPod, 2)} core${l.coresPerPod === 1 ? '' : 's'} per pod at ${grouped(l.cpuMeanS * 1000, 3)} ms of CPU per request)` : '';
    lines.push(
      `  ${l.workload} is offered ${rps(l.meanRps)} on average but serves at most ${rps(l.capacityRps)} with all ${l.replicas} replica${l.replicas === 1 ? '' : 's'} up${cpu}: ` +
        `${grouped(100 * (1 - l.capacityRps / l.meanRps), 1)}% of its requests or more cannot be served`,
    );
  }
  if (lines.length === 0) return null;
  return (
    `warning: scenario ${clipName(scenario.name)} can never serve its load; it is simulated anyway:\n${lines.join('\n')}\n` +
    '  (add replicas or CPU, lower traffic.cpuPerRequest, or lower the rate)\n'
  );
}

/**
 * Printed on stderr after a run in which a workload was offered more than its serving pods could
 * take for part of the measured time: for what share of it, by how much on average then, and at
 * the peak. Null when no workload was.
 */
export function overloadWarning(scenario: Scenario, result: RunResult): string | null {
  const lines: string[] = [];
  for (const w of scenario.workloads) {
    if (w.traffic === null) continue;
    const share = at(result, `workloads.${w.name}.overloadFraction`);
    if (share === undefined || share.mean === null || !(share.mean > 0)) continue;
    const excess = at(result, `workloads.${w.name}.overloadExcess`)?.mean ?? 0;
    const peak = at(result, `workloads.${w.name}.peakLoad`)?.max ?? null;
    const pct = share.mean * 100;
    const when = pct >= 0.01 ? `${pct.toPrecision(3)}%` : `${(share.mean * (scenario.horizon - scenario.warmup)).toPrecision(3)} s per replication`;
    const peakText = peak !== null && peak > 0 ? `, ${grouped(peak, 2)} times at the highest` : '';
    lines.push(`  ${w.name} was offered more than its serving pods can take for ${when} of the measured time, ${grouped(1 + excess, 2)} times their capacity on average then${peakText}`);
  }
  if (lines.length === 0) return null;
  return `warning: scenario ${clipName(scenario.name)} was overloaded (requests beyond capacity time out or are rejected):\n${lines.join('\n')}\n`;
}
