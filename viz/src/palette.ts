/**
 * Colours safe for colour-blind readers: the Okabe-Ito palette (Okabe & Ito, "Color Universal
 * Design", 2008), distinguishable under protanopia, deuteranopia and tritanopia. States are also
 * told apart by pattern or text, never by colour alone.
 */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  black: '#000000',
  grey: '#999999',
} as const;

/** One colour per scenario, in order (then repeating). */
export const SERIES = [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.vermillion, OKABE_ITO.purple, OKABE_ITO.skyBlue, OKABE_ITO.yellow, OKABE_ITO.black];

export function seriesColour(index: number): string {
  return SERIES[index % SERIES.length]!;
}

/** Pod and node states. */
export const STATE_COLOUR: Record<string, string> = {
  up: OKABE_ITO.green,
  Running: OKABE_ITO.green,
  ready: OKABE_ITO.green,
  Pending: OKABE_ITO.yellow,
  starting: OKABE_ITO.skyBlue,
  unknown: OKABE_ITO.orange,
  cordoned: OKABE_ITO.purple,
  Terminating: OKABE_ITO.purple,
  down: OKABE_ITO.vermillion,
  Failed: OKABE_ITO.vermillion,
  Succeeded: OKABE_ITO.grey,
  gone: OKABE_ITO.grey,
};

export function stateColour(state: string): string {
  return STATE_COLOUR[state] ?? OKABE_ITO.grey;
}
