import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from './scenarios.js';

/**
 * A file written whole or not at all (`--out`, `--trace`): the text goes to a temporary file beside
 * it, renamed onto it by `commit`. Opened at once, so a path that cannot be written is an error
 * before any simulation; `abandon` removes the partial file (after an error).
 */
export class OutputFile {
  private readonly temp: string;
  private fd: number;
  private buffer = '';

  constructor(readonly path: string, private readonly option = '--out') {
    this.temp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    try {
      this.fd = openSync(this.temp, 'w');
    } catch (e) {
      throw this.cannotWrite(e);
    }
  }

  /** Adds text (buffered). */
  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length > 1 << 16) this.flush();
  }

  /** Writes what is left and puts the file in place. */
  commit(text = ''): void {
    try {
      this.write(text);
      this.flush();
      closeSync(this.fd);
      this.fd = -1;
      renameSync(this.temp, this.path);
    } catch (e) {
      this.abandon();
      throw this.cannotWrite(e);
    }
  }

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

  private cannotWrite(e: unknown): InputError {
    return new InputError(`${this.option} ${this.path}: cannot write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
