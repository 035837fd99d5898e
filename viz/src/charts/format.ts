import { format } from 'd3-format';

/** A number for people: 4 significant digits, fractions near 1 with enough nines to tell them apart. */
export function human(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  let text: string;
  if (unit.startsWith('fraction') && value > 0.99 && value < 1) {
    const nines = Math.min(8, Math.floor(-Math.log10(1 - value)));
    text = value.toFixed(nines + 2);
  } else if (Math.abs(value) >= 1e5) text = format(',.0f')(value);
  else text = format('.4~g')(value);
  return text;
}

/** Seconds as the most readable unit (`3.2 s`, `4 m 10 s`, `2.1 h`, `3 d`). */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.abs(seconds);
  if (s < 120) return `${format('.3~g')(seconds)} s`;
  if (s < 7200) return `${format('.3~g')(seconds / 60)} min`;
  if (s < 172800) return `${format('.3~g')(seconds / 3600)} h`;
  return `${format('.3~g')(seconds / 86400)} d`;
}
