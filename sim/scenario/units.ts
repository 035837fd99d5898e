/**
 * Units in scenario files: durations (`90s`, `5m`, `1h30m`, `30d`, `1y`), CPU quantities
 * (`500m`, `2`), memory quantities (`512Mi`, `16Gi`). Parsers return undefined for text they do
 * not accept; formatters produce text the parsers accept (round trip).
 */

const DURATION_UNITS_S: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 7 * 86400,
  y: 365 * 86400,
};
const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d|w|y)/y;

/** Seconds from a duration: a number (seconds) or text such as `90s`, `1h30m`, `500ms`, `30d`, `1y` (365 d). */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const m = DURATION_PART.exec(text);
    if (m === null) return undefined;
    total += Number(m[1]) * DURATION_UNITS_S[m[2]!]!;
  }
  return total;
}

/** Shortest exact text for a duration in seconds, e.g. 5400 -> `1h30m`, 0.5 -> `500ms`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
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
    // Round off floating noise below a nanosecond.
    const s = Number(rest.toPrecision(12));
    parts.push(Number.isInteger(s) || parts.length > 0 || s >= 1 ? `${s}s` : `${Number((s * 1000).toPrecision(12))}ms`);
  }
  return (negative ? '-' : '') + parts.join('');
}

/** Millicores from a CPU quantity: `500m`, `0.5`, `2` (cores), or a number of cores. */
export function parseCpu(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)(m?)\s*$/.exec(value);
  if (m === null) return undefined;
  return m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
}

/** CPU quantity text for millicores: 500 -> `500m`, 2000 -> `2`. */
export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

const MEMORY_UNITS_MIB: Record<string, number> = {
  '': 1 / (1024 * 1024),
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1024 * 1024,
  k: 1000 / (1024 * 1024),
  K: 1000 / (1024 * 1024),
  M: 1e6 / (1024 * 1024),
  G: 1e9 / (1024 * 1024),
  T: 1e12 / (1024 * 1024),
};

/** MiB from a memory quantity: `512Mi`, `16Gi`, `1G`, or a number of bytes. */
export function parseMemory(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value * MEMORY_UNITS_MIB['']! : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|k|K|M|G|T)?\s*$/.exec(value);
  if (m === null) return undefined;
  return Number(m[1]) * MEMORY_UNITS_MIB[m[2] ?? '']!;
}

/** Memory quantity text for MiB: 512 -> `512Mi`, 16384 -> `16Gi`. */
export function formatMemory(mib: number): string {
  if (mib >= 1024 && mib % 1024 === 0) return `${mib / 1024}Gi`;
  if (Number.isInteger(mib)) return `${mib}Mi`;
  return `${Math.round(mib * 1024)}Ki`;
}
