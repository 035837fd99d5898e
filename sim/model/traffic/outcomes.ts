import type { Pod } from '../kube/types.js';

/** How a request ended. Codes index the metric names below. */
export const SUCCEEDED = 0;
/** No endpoint in rotation (the front answers 503 at once). */
export const NO_ENDPOINT = 1;
/** Every try failed to connect (refused, or the node did not answer within the connect timeout). */
export const CONNECTION_FAILED = 2;
/** The pod's queue was full (503). */
export const REJECTED = 3;
/** Not answered within the client timeout (a hung pod, or a long wait). */
export const TIMED_OUT = 4;
/** The pod holding it crashed, was killed or disappeared. */
export const LOST_IN_CRASH = 5;

export const OUTCOME_NAMES = ['succeeded', 'noEndpoint', 'connectionFailed', 'rejected', 'timedOut', 'lostInCrash'] as const;
export type OutcomeName = (typeof OUTCOME_NAMES)[number];
export const OUTCOME_COUNT = OUTCOME_NAMES.length;

/**
 * What a pod does with a connection, from the front's point of view:
 * SERVING accepts and answers; HUNG accepts and never answers; REFUSING resets it at once (no
 * server listening: starting, crashed, backing off, or terminating after SIGTERM); BLACKHOLE
 * never answers the connection (its node is down).
 */
export const SERVING = 0;
export const HUNG = 1;
export const REFUSING = 2;
export const BLACKHOLE = 3;
/** Terminating: refuses new connections, finishes the requests it holds. */
export const DRAINING = 4;

export function listenState(pod: Pod): number {
  const node = pod.node;
  if (node === null) return REFUSING;
  if (!node.up) return BLACKHOLE;
  switch (pod.phase) {
    case 'Running':
      return pod.hung ? HUNG : SERVING;
    case 'Killing':
      return pod.hung ? HUNG : REFUSING;
    case 'Terminating':
      return pod.hung ? HUNG : DRAINING;
    default:
      return REFUSING;
  }
}
