import type { ReplicationOutcome } from '../../../sim/experiment/index.js';
import type { OverrideInput } from '../../../sim/scenario/index.js';
import type { FluidLatencyTemplates, TraceRecord } from '../../../sim/trace/index.js';

/** Replications per task (pool.ts): small enough that every scenario's intervals narrow together. */
export const CHUNK = 20;

/** The name of the page's first worker starts with this, followed by the page's URL query (sim.worker.ts works ahead on it). */
export const LANDING_PREFIX = 'deploysim-landing';

/** A scenario as the worker loads it: its text, the name its errors use, the overrides applied in order. */
export interface Source {
  text: string;
  file: string;
  overrides: OverrideInput[];
}

/** A scripted fault added to a replication (what-if), as a scenario `faults[]` entry. */
export type ExtraFault = Record<string, string | number>;

export type Request =
  | { type: 'replicate'; id: number; source: Source; from: number; to: number }
  | { type: 'saturation'; id: number; source: Source }
  | { type: 'trace'; id: number; source: Source; replication: number; faults: ExtraFault[] };

export interface TraceResult {
  scenario: string;
  horizonS: number;
  warmupS: number;
  nodes: Array<{ name: string; zone: string | null }>;
  records: TraceRecord[];
  /** For the latency percentiles over time in fluid mode (sim/trace fluidLatencyTemplates). */
  latencyTemplates: FluidLatencyTemplates;
  /** The replication's metric values, by their names in the --json result (without `metrics.`). */
  values: Array<[string, number]>;
}

export type Response =
  | { type: 'ready'; id?: undefined }
  | { type: 'outcomes'; id: number; from: number; outcomes: ReplicationOutcome[] }
  /** Replication `index` of the scenario whose source, as JSON, is `key`, run before the page asked (sim.worker.ts). */
  | { type: 'ahead'; id?: undefined; key: string; index: number; outcome: ReplicationOutcome }
  | { type: 'done'; id: number }
  | { type: 'saturation'; id: number; rps: number | null }
  | { type: 'trace'; id: number; result: TraceResult }
  | { type: 'error'; id: number; message: string };
