import { metricAt, type RunResult } from '../sim/experiment/index.js';
import type { Scenario } from '../sim/scenario/index.js';
import { shortDuration, YEAR_S, yearScale } from './headline.js';
import { wrapWords } from './format.js';

/**
 * Findings: the few largest effects under the headline, one line each. Each comes from a measured
 * metric (never from the name of a built-in), names it and its size, and where the scenario has a
 * setting that changes it, names the setting.
 */

/** A finding and its weight: the time a year it concerns (downtime, time pending, time overloaded). */
interface Finding {
  weightS: number;
  label: string;
  /** The line after the label (the same finding in several scenarios is said once). */
  text: string;
}

/** Findings shown at most. */
export const MAX_FINDINGS = 5;

/** A value per year of measured time. */
function perYear(r: RunResult, value: number): number {
  return value * yearScale(r);
}

function percent(x: number): string {
  return `${(x * 100).toPrecision(x >= 0.995 ? 4 : 2)}%`;
}

/** The findings of one scenario's result. */
function findingsOf(r: RunResult, s: Scenario, label: string): Finding[] {
  const out: Finding[] = [];
  // Packing: downtime started by a node taking two or more of a workload's pods with it while another node was up.
  const packed = metricAt(r, 'service.downtimeByCauseS.capacityPacked');
  const down = metricAt(r, 'service.downtimeS')?.mean ?? 0;
  // (Worth a line from 10 s a year and a tenth of the downtime, the interval clear of 0.)
  if (packed?.mean != null && perYear(r, packed.mean) >= 10 && packed.mean >= 0.1 * down && (packed.ci95 === null || packed.ci95[0] > 0)) {
    const i = s.workloads.findIndex((w) => w.servesTraffic);
    out.push({
      weightS: perYear(r, packed.mean),
      label,
      text:
        `pods packed onto one node after a node loss cause ${shortDuration(perYear(r, packed.mean))}/y of downtime ` +
        `(${percent(packed.mean / down)} of it; service.downtimeByCauseS.capacityPacked). Spread them: ` +
        `workloads[${i}].scheduling.topologySpread (maxSkew 1 on hostname), or required anti-affinity with enough nodes.`,
    });
  }
  s.workloads.forEach((w, i) => {
    // A pod waiting for a node most of the run: the scheduler cannot place it.
    const pending = metricAt(r, `workloads.${w.name}.pendingFraction`)?.mean ?? 0;
    if (pending >= 0.5) {
      const required = w.scheduling.podAntiAffinity.required;
      const setting = required !== null ? `workloads[${i}].scheduling.podAntiAffinity.required=${required} needs a ${required === 'zone' ? 'zone' : 'node'} per replica` : `workloads[${i}].resources.requests against what the nodes have`;
      out.push({
        weightS: pending * YEAR_S,
        label,
        text: `a pod of ${w.name} waits for a node ${percent(pending)} of the time (workloads.${w.name}.pendingFraction): the scheduler cannot place it; ${setting}.`,
      });
    }
  });
  // Overload: offered more than the serving pods can take.
  const overload = metricAt(r, 'service.overloadFraction')?.mean ?? 0;
  if (overload >= 0.001) {
    const failed = metricAt(r, 'service.requests.failed')?.mean ?? 0;
    const i = s.workloads.findIndex((w) => w.servesTraffic);
    out.push({
      weightS: overload * YEAR_S,
      label,
      text:
        `offered more requests than its pods can serve ${percent(overload)} of the time (service.overloadFraction), ` +
        `${Math.round(perYear(r, failed)).toLocaleString('en-US')} failed requests/y: more replicas (workloads[${i}].replicas), autoscaling, or more CPU (resources.limits.cpu).`,
    });
  }
  // Coordinated artifacts kept from running by the 4.4 duplicate-node check (a restarted server that
  // finds its own heartbeat younger than W runs no tasks until its next restart).
  const held = Object.keys(r.metrics.artifacts ?? {})
    .map((name) => ({ name, s: perYear(r, metricAt(r, `artifacts.${name}.downtimeByCauseS.duplicateNodeCheck`)?.mean ?? 0), down: perYear(r, metricAt(r, `artifacts.${name}.downtimeS`)?.mean ?? 0) }))
    .filter((a) => a.s >= 600)
    .sort((a, b) => b.s - a.s);
  if (held.length > 0) {
    const top = held[0]!;
    const tasks = metricAt(r, 'capabilities.scheduledTasks.availability')?.mean;
    out.push({
      weightS: top.s,
      label,
      text:
        `the duplicate-node check keeps ${held.length === 1 ? top.name : `${held.length} artifacts (${top.name} the most)`} from running ${shortDuration(top.s)}/y ` +
        `(${percent(top.s / top.down)} of its downtime; artifacts.${top.name}.downtimeByCauseS.duplicateNodeCheck)${tasks != null ? `: tasks run ${percent(tasks)} of the time` : ''}. ` +
        `A restarted server whose own heartbeat is younger than W runs no tasks until its next restart (MI ${s.coordination.miVersion}); coordination.miVersion=4.6 (the current release) waits W and joins.`,
    });
  }
  // Tasks run twice because a server froze past W: another took its tasks, and it resumed them.
  const paused = metricAt(r, 'capabilities.scheduledTasks.duplicatesByCause.jvmPause');
  const twice = metricAt(r, 'capabilities.scheduledTasks.duplicateExecutions')?.mean ?? 0;
  if (paused?.mean != null && perYear(r, paused.mean) >= 1 && (paused.ci95 === null || paused.ci95[0] > 0)) {
    const c = s.coordination;
    const wS = c.heartbeatInterval * c.heartbeatMaxRetry;
    const i = s.workloads.findIndex((w) => w.coordination && w.artifacts.some((a) => a.kind === 'scheduled-task'));
    out.push({
      // As time: a duplicate run counted as a minute of a task running twice.
      weightS: perYear(r, paused.mean) * 60,
      label,
      text:
        `JVM pauses longer than W (${shortDuration(wS)}) make tasks run twice ${Math.round(perYear(r, paused.mean)).toLocaleString('en-US')} times/y ` +
        `(${percent(paused.mean / twice)} of the duplicates; capabilities.scheduledTasks.duplicatesByCause.jvmPause): another server takes the paused one's tasks ` +
        `and the paused one resumes them. A longer W (coordination.heartbeatInterval x heartbeatMaxRetry) rides out longer pauses but slows every takeover; ` +
        (i >= 0 ? `a liveness probe that gives up on a frozen server within W (workloads[${i}].probes.liveness) restarts it instead.` : 'a liveness probe that gives up on a frozen server within W restarts it instead.'),
    });
  }
  // Requests that fail while some endpoint is in rotation: the service counts as up meanwhile.
  const failed = metricAt(r, 'service.requests.failed')?.mean ?? 0;
  const noEndpoint = metricAt(r, 'service.requests.noEndpoint')?.mean ?? 0;
  const arrived = metricAt(r, 'service.requests.arrived')?.mean ?? 0;
  // (Overload's own failures are the overload finding's.)
  const overloaded = metricAt(r, 'service.requests.failedByCause.overload')?.mean ?? 0;
  const hidden = perYear(r, failed - noEndpoint - overloaded);
  if (hidden >= 1000 && arrived > 0) {
    const mean = (path: string) => metricAt(r, path)?.mean ?? 0;
    // A full queue is always overload; the rest of overload's failures are timeouts.
    const overloadTimeouts = Math.max(0, overloaded - mean('service.requests.rejected'));
    const parts = (
      [
        ['connection failed', mean('service.requests.connectionFailed')],
        ['timed out', Math.max(0, mean('service.requests.timedOut') - overloadTimeouts)],
        ['lost in a crash', mean('service.requests.lostInCrash')],
      ] as const
    )
      .map(([name, n]) => [name, perYear(r, n)] as const)
      .filter(([, n]) => n >= 0.5)
      .map(([name, n]) => `${name} ${Math.round(n).toLocaleString('en-US')}`);
    const i = s.workloads.findIndex((w) => w.servesTraffic);
    const w = s.workloads[i];
    const setting =
      s.loadBalancer.type === 'cloud'
        ? 'the cloud load balancer does not retry and drops a dead target only after its health checks: loadBalancer.healthCheck (interval, unhealthyThreshold), or loadBalancer.type=ingress'
        : w !== undefined && w.replicas < 2
          ? `a second replica (workloads[${i}].replicas): with one, the ingress's retry has nowhere else to go`
          : `readiness probes that take a failing pod out of rotation sooner (workloads[${i}].probes.readiness)`;
    out.push({
      // As time: the seconds of the whole traffic they amount to.
      weightS: hidden / (perYear(r, arrived) / YEAR_S),
      label,
      text: `${Math.round(hidden).toLocaleString('en-US')} requests/y fail while the service counts as up, which availability does not show (${parts.join(', ')}; service.requests); ${setting}.`,
    });
  }
  return out;
}

/** The findings block (the largest first, at most MAX_FINDINGS), or '' when there is none. */
export function formatFindings(results: readonly RunResult[], scenarios: readonly Scenario[], labels: readonly string[], width = 100): string {
  const each = results.flatMap((r, k) => findingsOf(r, scenarios[k]!, labels[k] ?? r.scenario));
  if (each.length === 0) return '';
  // The same finding in several scenarios, said once with their labels.
  const merged = new Map<string, Finding>();
  for (const f of each) {
    const seen = merged.get(f.text);
    if (seen === undefined) merged.set(f.text, { ...f });
    else {
      seen.label += `, ${f.label}`;
      seen.weightS = Math.max(seen.weightS, f.weightS);
    }
  }
  const all = [...merged.values()].sort((a, b) => b.weightS - a.weightS);
  const lines = ['Findings (largest first):', ...all.slice(0, MAX_FINDINGS).flatMap((f) => wrapWords(`- ${f.label}: ${f.text}`, width, '', '  '))];
  if (all.length > MAX_FINDINGS) lines.push(`  (${all.length - MAX_FINDINGS} more: --json has every metric they come from)`);
  return `${lines.join('\n')}\n`;
}
