import type { ReplicationOutcome } from '../../../sim/experiment/index.js';
import type { OverrideInput } from '../../../sim/scenario/index.js';
import type { TraceRecord } from '../../../sim/trace/index.js';

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
  /** The replication's metric values, by their names in the --json result (without `metrics.`). */
  values: Array<[string, number]>;
}

export type Response =
  | { type: 'ready'; id?: undefined }
  | { type: 'outcomes'; id: number; from: number; outcomes: ReplicationOutcome[] }
  | { type: 'done'; id: number }
  | { type: 'saturation'; id: number; rps: number | null }
  | { type: 'trace'; id: number; result: TraceResult }
  | { type: 'error'; id: number; message: string };
