// Reads a scenario file as UTF-8 text within a fixed number of bytes, whatever the path names: a
// regular file, a pipe (/dev/stdin), a FIFO with a writer that never stops, or a device such as
// /dev/zero. Text in another encoding and binary data get a message that says so.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { textPosition } from '../sim/scenario/compose.js';

/** Bytes read at a time. */
const CHUNK_BYTES = 64 * 1024;
/** Bytes looked at to tell UTF-16 without a byte order mark from binary data. */
const SNIFF_BYTES = 1024;

/** What a bounded read got: the bytes (at most limit + 1) and whether the input ended within the limit. */
export interface BoundedRead {
  bytes: Buffer;
  /** False when there was more than `limitBytes` to read (the read stopped there). */
  ended: boolean;
  /** The size of a regular file (exact even when the read stopped), else undefined. */
  fileBytes?: number;
}

/**
 * Reads at most `limitBytes + 1` bytes from `path` in chunks, so that an endless input costs no
 * more than the limit. Throws the file system's error (ENOENT, EACCES, EISDIR, ...).
 */
export function readBounded(path: string, limitBytes: number): BoundedRead {
  // Standard input is read where it is: opening /dev/stdin fails (ENXIO) when it is a socket, as a
  // program started by Node gets.
  const stdin = path === '/dev/stdin';
  const fd = stdin ? 0 : openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= limitBytes) {
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, limitBytes + 1 - total));
      const n = readChunk(fd, chunk);
      if (n === 0) return { bytes: Buffer.concat(chunks, total), ended: true, fileBytes: stat.isFile() ? stat.size : undefined };
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
    }
    return { bytes: Buffer.concat(chunks, total), ended: false, fileBytes: stat.isFile() ? stat.size : undefined };
  } finally {
    if (!stdin) closeSync(fd);
  }
}

/** One read; a pipe without data yet (EAGAIN, non-blocking stdin) is waited for briefly and read again. */
function readChunk(fd: number, chunk: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/** Why some bytes are not UTF-8 text: the message, and for a NUL byte its line and column (counting LF bytes). */
export interface EncodingProblem {
  message: string;
  at?: { line: number; col: number };
}

/**
 * Why `bytes` cannot be read as UTF-8 text, or undefined: a UTF-16 or UTF-32 byte order mark, UTF-16
 * without one (NUL bytes in every other place), or other NUL bytes (binary data).
 */
export function encodingProblem(bytes: Buffer): EncodingProblem | undefined {
  const starts = (...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
  const resave = 'save it as UTF-8';
  if (starts(0xff, 0xfe, 0, 0)) return { message: `the file is UTF-32 encoded (little-endian, with a byte order mark); ${resave}` };
  if (starts(0, 0, 0xfe, 0xff)) return { message: `the file is UTF-32 encoded (big-endian, with a byte order mark); ${resave}` };
  if (starts(0xff, 0xfe)) return { message: `the file is UTF-16 encoded (little-endian, with a byte order mark); ${resave}` };
  if (starts(0xfe, 0xff)) return { message: `the file is UTF-16 encoded (big-endian, with a byte order mark); ${resave}` };
  const nul = bytes.indexOf(0);
  if (nul === -1) return undefined;
  const utf16 = utf16Order(bytes.subarray(0, SNIFF_BYTES));
  if (utf16 !== undefined) return { message: `the file is UTF-16 encoded (${utf16}, without a byte order mark); ${resave}` };
  return { message: 'not a text file: a NUL byte (binary data?)', at: textPosition(bytes, nul) };
}

/** `little-endian` or `big-endian` when the NUL bytes of a sample are the high bytes of UTF-16 text (mostly ASCII). */
function utf16Order(sample: Buffer): string | undefined {
  const zeros = [0, 0];
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) zeros[i % 2]!++;
  const half = Math.floor(sample.length / 2);
  if (half === 0) return undefined;
  if (zeros[1]! >= 0.5 * half && zeros[0]! <= 0.05 * half) return 'little-endian';
  if (zeros[0]! >= 0.5 * half && zeros[1]! <= 0.05 * half) return 'big-endian';
  return undefined;
}
