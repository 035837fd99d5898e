import type { Scenario } from '../sim/scenario/index.js';
import { traceReplication } from '../sim/trace/index.js';
import { OutputFile } from './out-file.js';

/**
 * `run --trace FILE`: replication 0's trace as JSON lines, written whole or not at all. Opened
 * before the run, so a path that cannot be written is an error before any simulation.
 */
export class TraceFile {
  private readonly file: OutputFile;

  constructor(readonly path: string) {
    this.file = new OutputFile(path, '--trace');
  }

  /** Runs replication 0 of the scenario with its trace going to the file, and completes the file. */
  write(scenario: Scenario): void {
    try {
      traceReplication(scenario, scenario.seed, 0, (record) => this.file.write(`${JSON.stringify(record)}\n`));
    } catch (e) {
      this.file.abandon();
      throw e;
    }
    this.file.commit();
  }

  /** Removes the partial file (after an error, or when the run fails before the trace). */
  abandon(): void {
    this.file.abandon();
  }
}
