import type { Rng } from '../../engine/random.js';
import type { CoordinationConfig } from '../../scenario/types.js';

/**
 * MI's task location resolvers (docs/model.md §9.5), as pure functions of the leader's resolver state, the
 * live node ids (in the order the database lists them) and a random stream. The state lives in
 * the leader's memory: a new leader starts with a fresh one.
 */
export interface ResolverState {
  /** ActivePassive: the node every task goes to, kept while it is live. */
  activeNode: string | null;
  /** RoundRobin / TaskNode: the shared counter. */
  counter: number;
}

export const freshResolverState = (): ResolverState => ({ activeNode: null, counter: 0 });

/**
 * The node for one unassigned task, or null when the resolver assigns nothing now (no live node;
 * RoundRobin below task_server_count; TaskNode with none of its nodes live).
 */
export function resolveTask(config: CoordinationConfig['resolver'], state: ResolverState, live: readonly string[], rng: Rng): string | null {
  if (live.length === 0) return null;
  switch (config.type) {
    case 'active-passive':
      // ActivePassiveResolver: a random live node, re-picked only when it is no longer live.
      if (state.activeNode === null || !live.includes(state.activeNode)) state.activeNode = live[Math.floor(rng() * live.length)]!;
      return state.activeNode;
    case 'round-robin':
      // RoundRobinResolver: nothing while fewer than task_server_count nodes are live.
      if (live.length < config.taskServerCount) return null;
      state.counter++;
      return live[state.counter % live.length]!;
    case 'task-node': {
      const candidates = live.filter((id) => config.taskNodes.includes(id));
      if (candidates.length === 0) return null;
      state.counter++;
      return candidates[state.counter % candidates.length]!;
    }
  }
}

/** True when the resolver would assign a task now (so a scheduler run has work to do). */
export function resolverCanAssign(config: CoordinationConfig['resolver'], live: readonly string[]): boolean {
  switch (config.type) {
    case 'active-passive':
      return live.length > 0;
    case 'round-robin':
      return live.length > 0 && live.length >= config.taskServerCount;
    case 'task-node':
      return live.some((id) => config.taskNodes.includes(id));
  }
}
