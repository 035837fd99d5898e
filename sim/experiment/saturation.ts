import { makeRate } from '../model/traffic/rates.js';
import { MAX_RATE_PER_S } from '../scenario/spec.js';
import type { Scenario } from '../scenario/types.js';
import { runReplication } from './replication.js';

/** The result of the saturation search. */
export interface Saturation {
  /** Highest total arrival rate (requests/s) served with the required success rate. */
  rps: number;
  /** The success rate the search had to keep. */
  successRate: number;
}

/**
 * Measured for PROBE_S after at least WARMUP_S (every pod started), in the fluid mode. A day is
 * long enough for a backlog growing from a small overload to reach the client timeout, so a rate
 * just above capacity fails the success rate instead of hiding in the queue.
 */
const PROBE_S = 86400;
const WARMUP_S = 900;
const BISECTIONS = 60;

/**
 * Saturation throughput: the highest arrival rate the pattern serves with its success rate at or
 * above `traffic.saturationSuccessRate`, with every replica up (a question of capacity, so failures
 * and scripted faults are switched off). The traffic mix is kept: every flow's rate is its mean
 * over the horizon times a common factor. Found by doubling from 1 request/s, then bisection to a
 * relative precision of 1e-6 (bounded: at most 31 + 60 fluid runs of a few events each); at most
 * MAX_RATE_PER_S (1e9/s). Null when the scenario has no traffic.
 */
export function saturationThroughput(scenario: Scenario): Saturation | null {
  const flows = scenario.workloads.filter((w) => w.traffic !== null);
  if (flows.length === 0) return null;
  const means = flows.map((w) => makeRate(w.traffic!.rate).integral(0, scenario.horizon) / scenario.horizon);
  const totalMean = means.reduce((a, b) => a + b, 0);
  const shares = means.map((m) => (totalMean > 0 ? m / totalMean : 1 / flows.length));
  const target = scenario.traffic.saturationSuccessRate;
  const served = (rps: number): boolean => successAt(scenario, shares, rps) >= target;
  // The search starts from 1 request/s whatever the offered load, so the capacity found never
  // depends on it (only on the mix), and stops at the highest rate a scenario may give.
  let lo = 0;
  let hi = 1;
  while (served(hi)) {
    lo = hi;
    if (hi >= MAX_RATE_PER_S) return { rps: MAX_RATE_PER_S, successRate: target };
    hi = Math.min(2 * hi, MAX_RATE_PER_S);
  }
  for (let i = 0; i < BISECTIONS && hi - lo > 1e-6 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (served(mid)) lo = mid;
    else hi = mid;
  }
  return { rps: lo, successRate: target };
}

function successAt(base: Scenario, shares: number[], rps: number): number {
  const s: Scenario = structuredClone(base);
  s.traffic.mode = 'fluid';
  s.faults = [];
  s.warmup = Math.max(s.warmup, WARMUP_S);
  s.horizon = s.warmup + PROBE_S;
  s.replications = 1;
  for (const pool of s.cluster.nodePools) Object.assign(pool.failures, { crash: null, partition: null, clockSkew: null });
  s.coordination.database.failures = { outage: null, slowness: null };
  let k = 0;
  for (const w of s.workloads) {
    w.failures = { crash: null, hang: null, jvmPause: null };
    w.artifacts = [];
    if (w.traffic) w.traffic.rate = { profile: 'constant', rate: rps * shares[k++]! };
  }
  const v = runReplication(s, s.seed, 0, { noLatency: true }).values;
  return v.get('service.requestSuccessRate') ?? NaN;
}
