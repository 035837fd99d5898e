import type { OverrideInput, Scenario } from '../sim/scenario/index.js';
import { InputError } from './scenarios.js';

/**
 * `--preset`: every failure process of a scenario switched on at documented rates (`realistic`) or
 * off (`none`), as overrides applied before `--set` (which still wins). The rates and their sources
 * are in docs/model.md §7.7 and docs/sources.md, "Presets"; scripted faults are left as they are.
 */
export const PRESETS = ['realistic', 'none'] as const;
export type Preset = (typeof PRESETS)[number];

export function parsePreset(value: string | undefined): Preset | null {
  if (value === undefined) return null;
  if (!(PRESETS as readonly string[]).includes(value)) throw new InputError(`--preset ${value}: expected one of ${PRESETS.join(', ')}`);
  return value as Preset;
}

/** The realistic preset's settings (docs/sources.md, "Presets", gives each one's source). */
const REALISTIC = {
  // Top-of-rack switch failures (about 5% of ToRs a year) cut a rack's nodes off.
  partition: '{timeBetween: {dist: exponential, mean: 20y}, duration: {dist: lognormal, median: 5m, p95: 1h}, from: both}',
  // Bad clocks are about a sixth as common as bad CPUs: 0.55 machine failures a year / 6.
  clockSkew: '{timeBetween: {dist: exponential, mean: 11y}, offset: {dist: uniform, min: -30s, max: 30s}, duration: {dist: lognormal, median: 1h, p95: 24h}}',
  // Full GCs and heap dumps over 30 s happen; no rate is published: an assumption.
  jvmPause: '{timeToFailure: {dist: exponential, mean: 90d}, duration: {dist: lognormal, median: 10s, p95: 40s}}',
  // A managed database's failover takes 60 to 120 s; twice a year is an assumption.
  outage: '{timeBetween: {dist: exponential, mean: 180d}, duration: {dist: uniform, min: 60s, max: 120s}}',
  // Slow periods (lock contention, I/O stalls): an assumption.
  slowness: '{timeBetween: {dist: exponential, mean: 30d}, duration: {dist: lognormal, median: 2m, p95: 20m}, queryTime: {dist: lognormal, median: 500ms, p95: 3s}}',
} as const;

/** The overrides a preset makes on this scenario's pools, workloads and artifacts. */
export function presetOverrides(preset: Preset, s: Scenario): OverrideInput[] {
  const origin = `--preset ${preset}`;
  const out: OverrideInput[] = [];
  const set = (path: string, value: string) => out.push({ text: `${path}=${value}`, origin });
  s.cluster.nodePools.forEach((_p, i) => {
    const f = `cluster.nodePools[${i}].failures`;
    if (preset === 'none') {
      set(`${f}.crash`, 'none');
      set(`${f}.partition`, 'none');
      set(`${f}.clockSkew`, 'none');
    } else {
      set(`${f}.partition`, REALISTIC.partition);
      set(`${f}.clockSkew`, REALISTIC.clockSkew);
    }
  });
  s.workloads.forEach((w, i) => {
    const f = `workloads[${i}].failures`;
    if (preset === 'none') {
      set(`${f}.crash`, 'none');
      set(`${f}.hang`, 'none');
      set(`${f}.jvmPause`, 'none');
      w.artifacts.forEach((a, j) => {
        if (a.kind === 'message-processor') set(`workloads[${i}].artifacts[${j}].backendFailures`, 'none');
      });
    } else set(`${f}.jvmPause`, REALISTIC.jvmPause);
  });
  // (Zone outages have no published rate: realistic leaves them as the scenario has them.)
  if (preset === 'none') set('cluster.zoneOutages', 'none');
  const db = 'coordination.database.failures';
  set(`${db}.outage`, preset === 'none' ? 'none' : REALISTIC.outage);
  set(`${db}.slowness`, preset === 'none' ? 'none' : REALISTIC.slowness);
  return out;
}
