/**
 * Units in scenario files: durations (`90s`, `5m`, `1h30m`, `30d`, `1y`), CPU quantities
 * (`500m`, `2`), memory quantities (`512Mi`, `16Gi`). Parsers return undefined for text they do
 * not accept (and for values that overflow); formatters produce text the parsers read back to the
 * very same number (round trip).
 */

/** Each duration unit as a ratio: seconds = n * num / den. */
const DURATION_UNITS: Record<string, [number, number]> = {
  ms: [1, 1000],
  s: [1, 1],
  m: [60, 1],
  h: [3600, 1],
  d: [86400, 1],
  w: [7 * 86400, 1],
  y: [365 * 86400, 1],
};
const DURATION_PART = /(\d+)(?:\.(\d+))?(ms|s|m|h|d|w|y)|\.(\d+)(ms|s|m|h|d|w|y)/y;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Exact-as-possible value of `int.frac * num / den`: one rounding, in the final division. */
function scaled(int: string, frac: string, num: number, den: number): number {
  return (Number(int + frac) * num) / (den * 10 ** frac.length);
}

/**
 * Seconds from a duration: a number (seconds) or text such as `90s`, `1h30m`, `500ms`, `30d`,
 * `1y` (365 d), optionally with a leading minus. Overflowing values are rejected.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  let text = value.trim();
  if (text === '') return undefined;
  if (PLAIN_NUMBER.test(text)) {
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  }
  const negative = text.startsWith('-');
  if (negative) text = text.slice(1);
  if (text === '') return undefined;
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const m = DURATION_PART.exec(text);
    if (m === null) return undefined;
    const [num, den] = DURATION_UNITS[(m[3] ?? m[5])!]!;
    total += m[1] !== undefined ? scaled(m[1], m[2] ?? '', num, den) : scaled('0', m[4]!, num, den);
  }
  if (!Number.isFinite(total)) return undefined;
  return negative ? -total : total;
}

/**
 * Text for a duration in seconds, in days, hours, minutes and seconds (5400 -> `1h30m`, 0.5 ->
 * `500ms`); falls back to plain seconds where that text would not read back exactly.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const pretty = prettyDuration(seconds);
  if (parseDuration(pretty) === seconds) return pretty;
  const plain = `${seconds}s`;
  return parseDuration(plain) === seconds ? plain : String(seconds);
}

function prettyDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const negative = seconds < 0;
  let rest = Math.abs(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  if (rest > 0) {
    const s = Number(rest.toPrecision(12));
    parts.push(parts.length > 0 || s >= 1 ? `${s}s` : `${Number((s * 1000).toPrecision(12))}ms`);
  }
  return (negative ? '-' : '') + parts.join('');
}

/** Millicores from a CPU quantity: `500m`, `0.5`, `2` (cores), or a number of cores (>= 0). */
export function parseCpu(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+)(?:\.(\d+))?(m?)\s*$/.exec(value) ?? /^\s*()\.(\d+)(m?)\s*$/.exec(value);
  if (m === null) return undefined;
  const v = scaled(m[1] || '0', m[2] ?? '', m[3] === 'm' ? 1 : 1000, 1);
  return Number.isFinite(v) ? v : undefined;
}

/** CPU quantity text for millicores: 500 -> `500m`, 2000 -> `2`; reads back exactly. */
export function formatCpu(millicores: number): string {
  const cores = String(millicores / 1000);
  if (millicores % 1000 === 0 && parseCpu(cores) === millicores) return cores;
  const milli = `${millicores}m`;
  return parseCpu(milli) === millicores ? milli : cores;
}

/** Each memory suffix as bytes. */
const MEMORY_UNIT_BYTES: Record<string, number> = {
  '': 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};
const MIB = 1024 * 1024;

/** MiB from a memory quantity: `512Mi`, `16Gi`, `1G`, or a number of bytes (>= 0). */
export function parseMemory(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value / MIB : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d*)(?:\.(\d+))?(Ki|Mi|Gi|Ti|k|K|M|G|T)?\s*$/.exec(value);
  if (m === null || (m[1] === '' && m[2] === undefined)) return undefined;
  const v = scaled(m[1] || '0', m[2] ?? '', MEMORY_UNIT_BYTES[m[3] ?? '']!, MIB);
  return Number.isFinite(v) ? v : undefined;
}

/** Memory quantity text for MiB: 512 -> `512Mi`, 16384 -> `16Gi`, 953.67431640625 -> `1G`; reads back exactly. */
export function formatMemory(mib: number): string {
  for (const unit of ['Ti', 'Gi', 'Mi', 'T', 'G', 'M', 'Ki', 'K', '']) {
    const n = (mib * MIB) / MEMORY_UNIT_BYTES[unit]!;
    if (Number.isInteger(n) && n > 0) {
      const text = `${n}${unit}`;
      if (parseMemory(text) === mib) return text;
    }
  }
  const mi = `${mib}Mi`;
  return parseMemory(mi) === mib ? mi : String(mib * MIB);
}
