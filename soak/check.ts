import { formatRun, idleFaultWarning, uncoordinatedWarning } from '../cli/format.js';
import { RunLimitError } from '../sim/engine/errors.js';
import { boundsOf, isSummary, runExperiment, type MetricSummary, type NestedSummaries, type RunResult } from '../sim/experiment/index.js';
import { loadScenarioText, type Scenario } from '../sim/scenario/index.js';
import { randomScenario } from './random-scenarios.js';

/**
 * One input of the soak harness and what became of it. Every input is loaded as `deploysim` loads
 * a file; a valid one is run (made small: see `bounded`) through the same code as `deploysim run`:
 * the experiment, the saturation search (for some), the warnings, the table and the JSON.
 */

export type SoakPart = 'mutation' | 'sweep' | 'random';

export interface SoakInput {
  part: SoakPart;
  /** What it is, for the report: `single-replica.yaml #812: deleted line 14`. */
  name: string;
  /** The file it came from (names its errors). */
  file: string;
  text: string;
  overrides: string[];
  /** Also run the saturation search (dozens of short runs): the harness does it for a share of inputs. */
  saturation?: boolean;
  /** Keep a long horizon (up to SOAK_BOUNDS.longHorizonS): work that grows with time must still count against the event budget. */
  longHorizon?: boolean;
}

/** A random valid scenario, generated where it runs (only its seed travels). */
export interface RandomInput {
  part: 'random';
  name: string;
  seed: number;
}

/**
 * rejected: located errors (bad input, as it should be); ran: it ran and its result is sound;
 * limit: it stopped at one of its limits (events, requests in flight), an operating error;
 * internal: anything else (an exception, a broken invariant, a result that is not a number).
 */
export type OutcomeKind = 'rejected' | 'ran' | 'limit' | 'internal';

export interface Outcome {
  kind: OutcomeKind;
  /** The error, for internal outcomes (with its stack when there is one). */
  message?: string;
}

/**
 * How small the soak makes a valid input: one replication, a short horizon (a long one for a share
 * of inputs: the event budget, not the horizon, must bound the work), a modest event budget.
 */
export const SOAK_BOUNDS = {
  replications: 1,
  horizonS: 7 * 86400,
  requestsHorizonS: 600,
  longHorizonS: 100 * 365 * 86400,
  longRequestsHorizonS: 86400,
  maxEvents: 200_000,
  maxRequestsInFlight: 100_000,
};

/** The scenario as the soak runs it: as given, but one replication, a short horizon and a modest event budget. */
export function bounded(s: Scenario, longHorizon = false): Scenario {
  const b = SOAK_BOUNDS;
  const requests = s.traffic.mode === 'requests';
  const cap = longHorizon ? (requests ? b.longRequestsHorizonS : b.longHorizonS) : requests ? b.requestsHorizonS : b.horizonS;
  const horizon = Math.min(s.horizon, cap);
  return {
    ...s,
    replications: Math.min(s.replications, b.replications),
    horizon,
    warmup: s.warmup < horizon ? s.warmup : horizon / 2,
    limits: { maxEventsPerReplication: Math.min(s.limits.maxEventsPerReplication, b.maxEvents), maxRequestsInFlight: Math.min(s.limits.maxRequestsInFlight, b.maxRequestsInFlight) },
  };
}

/** Loads and runs one input; never throws. */
export function checkInput(input: SoakInput): Outcome {
  let scenario: Scenario;
  try {
    const r = loadScenarioText(input.text, input.file, input.overrides);
    if (r.scenario === undefined) {
      if (r.errors.length === 0) return { kind: 'internal', message: 'the loader returned neither a scenario nor an error' };
      return { kind: 'rejected' };
    }
    scenario = r.scenario;
  } catch (e) {
    return internal('the loader threw', e);
  }
  return runChecked(bounded(scenario, input.longHorizon === true), input.saturation === true);
}

/** Runs a valid scenario as `deploysim run` does and checks its result; never throws. */
export function runChecked(scenario: Scenario, saturation: boolean): Outcome {
  try {
    idleFaultWarning(scenario);
    const result = runExperiment(scenario, undefined, { saturation });
    uncoordinatedWarning(scenario, result);
    formatRun(result);
    JSON.stringify(result);
    const bad = unsoundMetric(result);
    return bad === null ? { kind: 'ran' } : { kind: 'internal', message: `unsound result: ${bad}` };
  } catch (e) {
    if (e instanceof RunLimitError) return { kind: 'limit' };
    return internal('the run threw', e);
  }
}

/** Generates random scenario `seed` and runs it with the model's invariants checked after every event, then as `deploysim run`. */
export function checkRandom(input: RandomInput): Outcome & { text?: string } {
  let text: string | undefined;
  try {
    const g = randomScenario(input.seed);
    text = g.text;
    g.runWithInvariants();
    const outcome = runChecked(bounded(g.scenario), input.seed % 10 === 0);
    return outcome.kind === 'internal' ? { ...outcome, text } : outcome;
  } catch (e) {
    if (e instanceof RunLimitError) return { kind: 'limit' };
    return { ...internal('the model broke an invariant or threw', e), text };
  }
}

function internal(what: string, e: unknown): Outcome {
  const err = e as Error;
  return { kind: 'internal', message: `${what}: ${err?.stack ?? String(e)}` };
}

/** The first metric whose value is not a number or lies outside its bounds (fractions in [0, 1], counts and times >= 0). */
export function unsoundMetric(r: RunResult): string | null {
  const check = (node: NestedSummaries | MetricSummary, path: string): string | null => {
    if (isSummary(node)) {
      const [lo, hi] = boundsOf(path.replace(/\.(mean|p95|max)$/, ''));
      for (const v of [node.mean, node.min, node.max, ...(node.ci95 ?? [])]) {
        if (v === null) continue;
        if (!Number.isFinite(v)) return `${path} = ${v}`;
      }
      for (const v of [node.mean, node.min, node.max]) {
        if (v !== null && (v < lo - 1e-9 * Math.max(1, Math.abs(v)) || v > hi + 1e-9)) return `${path} = ${v}, outside [${lo}, ${hi}]`;
      }
      return null;
    }
    for (const [key, child] of Object.entries(node)) {
      const bad = check(child, path === '' ? key : `${path}.${key}`);
      if (bad !== null) return bad;
    }
    return null;
  };
  const rps = r.saturationThroughputRps;
  if (rps !== null && !(rps >= 0 && Number.isFinite(rps))) return `saturationThroughputRps = ${rps}`;
  return check(r.metrics, '');
}
