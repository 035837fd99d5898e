import type { Rng } from '../sim/engine/random.js';

/**
 * Mutations of scenario text for the soak harness, the way a hurried user or a broken tool damages
 * a file: a number swapped for an extreme value, a line deleted or duplicated, a character flipped.
 * Pure functions of the text and a seeded stream, so every mutant can be made again from its seed.
 */

/** Values a number (with or without its unit) is swapped for. */
export const EXTREME_NUMBERS: readonly string[] = [
  '0', '-0', '-1', '1e-15', '5e-324', '1e308', '1.7976931348623157e308', '-1e308', '9007199254740993', '2147483648',
  '4294967296', '1e15', '1e17', '1e305', '0.5', '.inf', '-.inf', '.nan', '0x10', '1_000', '0s', '1e-12s', '99999999999y',
  '1e308ms', '0/s', '1e300/s', '-5s', '1000y', '1001y', '1ms', '0.999ms', '""', 'null', '~', '[]', '{}', 'true',
];

/** Characters a flipped character becomes: YAML indicators, quotes, whitespace, control and wide characters. */
const FLIP_CHARS = [':', '-', '[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '?', ' ', '\t', '\n', '\r', '\0', '\u00e9', '\u2028', '\ufeff', '\ud83d', '0', '9', 'e', '.'];

/** A number in scenario text: digits with an optional fraction, exponent and unit (`5s`, `200/s`, `1.5`, `16Gi`). */
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?(?:ms|s|m|h|d|w|y|Mi|Gi|Ki|\/s|\/min|\/h)?/gi;

export type MutationKind = 'number' | 'delete-line' | 'duplicate-line' | 'flip';
const KINDS: readonly MutationKind[] = ['number', 'number', 'delete-line', 'duplicate-line', 'flip'];

export interface Mutant {
  text: string;
  /** What was done, e.g. `line 14: "5s" -> "1e308"`. */
  what: string;
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** One to three mutations of `text`, drawn from `rng`. */
export function mutate(text: string, rng: Rng): Mutant {
  const n = 1 + Math.floor(rng() * 3);
  let out = text;
  const what: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = mutateOnce(out, pick(rng, KINDS), rng);
    out = m.text;
    what.push(m.what);
  }
  return { text: out, what: what.join('; ') };
}

function mutateOnce(text: string, kind: MutationKind, rng: Rng): Mutant {
  const lines = text.split('\n');
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
  switch (kind) {
    case 'number': {
      const numbers = [...text.matchAll(NUMBER)];
      if (numbers.length === 0) return mutateOnce(text, 'flip', rng);
      const m = pick(rng, numbers);
      const value = pick(rng, EXTREME_NUMBERS);
      return { text: text.slice(0, m.index) + value + text.slice(m.index! + m[0].length), what: `line ${lineOf(m.index!)}: ${JSON.stringify(m[0])} -> ${JSON.stringify(value)}` };
    }
    case 'delete-line': {
      const k = Math.floor(rng() * lines.length);
      return { text: [...lines.slice(0, k), ...lines.slice(k + 1)].join('\n'), what: `deleted line ${k + 1}` };
    }
    case 'duplicate-line': {
      const k = Math.floor(rng() * lines.length);
      return { text: [...lines.slice(0, k + 1), ...lines.slice(k)].join('\n'), what: `duplicated line ${k + 1}` };
    }
    case 'flip': {
      if (text.length === 0) return { text: pick(rng, FLIP_CHARS), what: 'flipped the empty text' };
      const at = Math.floor(rng() * text.length);
      const c = pick(rng, FLIP_CHARS);
      return { text: text.slice(0, at) + c + text.slice(at + 1), what: `line ${lineOf(at)}: ${JSON.stringify(text[at])} -> ${JSON.stringify(c)}` };
    }
  }
}
