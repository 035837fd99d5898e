import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Scenario } from '../sim/scenario/index.js';
import { traceReplication } from '../sim/trace/index.js';
import { InputError } from './scenarios.js';

/**
 * A trace file being written: JSON lines into a temporary file beside the target, renamed onto it
 * only when complete, so the target is written whole or not at all. Opened before the run, so a
 * path that cannot be written is an error before any simulation.
 */
export class TraceFile {
  private readonly temp: string;
  private fd: number;
  private buffer = '';

  constructor(readonly path: string) {
    this.temp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    try {
      this.fd = openSync(this.temp, 'w');
    } catch (e) {
      throw new InputError(`--trace ${path}: cannot write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }

  /** Runs replication 0 of the scenario with its trace going to the file, and completes the file. */
  write(scenario: Scenario): void {
    try {
      traceReplication(scenario, scenario.seed, 0, (record) => {
        this.buffer += `${JSON.stringify(record)}\n`;
        if (this.buffer.length > 1 << 16) this.flush();
      });
      this.flush();
      closeSync(this.fd);
      this.fd = -1;
      renameSync(this.temp, this.path);
    } catch (e) {
      this.abandon();
      const code = (e as NodeJS.ErrnoException).code;
      if (typeof code === 'string') throw new InputError(`--trace ${this.path}: cannot write the file (${code})`);
      throw e;
    }
  }

  /** Removes the partial file (after an error, or when the run fails before the trace). */
  abandon(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = -1;
    }
    rmSync(this.temp, { force: true });
  }

  private flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }
}
