/**
 * What `deploysim report` embeds in its HTML file for the report page (viz/src/report/main.ts) to
 * show: plain JSON, written by cli/report.ts in a `<script type="application/json">` element.
 * No DOM here and no Node: both sides import it.
 */

/** The id of the element holding the data. */
export const REPORT_DATA_ID = 'deploysim-report-data';

/** A table of preformatted cells (the CLI's formats): a row per metric, a column per scenario. */
export interface ReportTable {
  /** The section it belongs to, and its anchor. */
  section: 'causes' | 'worst-years';
  id: string;
  title: string;
  /** What the cells are. */
  note: string;
  rows: Array<{ label: string; cells: string[] }>;
}

export interface ReportScenario {
  /** The column label (as in compare's table and each result's `label`). */
  label: string;
  /** The scenario's name, and the file or built-in it was read from. */
  name: string;
  file: string;
  /** The overrides applied to the file, in order (--set, NAME@PATH=VALUE, the first scenario's seed...). */
  overrides: string[];
  /** The file's text as written. */
  source: string;
  /** The scenario as it ran, every default filled in (its result's resolvedScenario), as YAML: loading it reproduces the run. */
  resolved: string;
}

export interface ReportData {
  /** deploysim's version (sim/version.ts), and when the report was written (ISO 8601; the date is nowhere in the numbers). */
  version: string;
  writtenAt: string;
  /** The command that reproduces the numbers: `deploysim compare` with the report's arguments. */
  command: string;
  seed: number;
  replications: number;
  horizonS: number;
  warmupS: number;
  /** The column labels, and the position of the scenario the others' paired differences are from. */
  labels: string[];
  baseline: number;
  /** Exactly what `deploysim compare --json` prints for the same arguments (parsed). */
  results: unknown[];
  /** The CLI's text blocks, as `deploysim compare` prints them (detail: as with --detail). */
  text: { headline: string; findings: string; assumptions: string; precision: string; detail: string };
  tables: ReportTable[];
  scenarios: ReportScenario[];
}
