/**
 * The five deployment patterns of the reference architecture, in the order they are compared by
 * default (`deploysim compare` with no arguments, the visualiser's landing view). Each is a
 * built-in scenario file of that name.
 */
export const PATTERN_ORDER = ['single-replica', 'multiple-replicas', 'multiple-replicas-coordination', 'isolated-stateful-pods', 'uncoordinated-replicas'] as const;
