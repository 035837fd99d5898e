import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freshResolverState, resolverCanAssign, resolveTask } from '../../sim/model/coordination/resolvers.js';
import type { CoordinationConfig } from '../../sim/scenario/types.js';

const cfg = (type: CoordinationConfig['resolver']['type'], taskServerCount = 1, taskNodes: string[] = []): CoordinationConfig['resolver'] => ({ type, taskServerCount, taskNodes });
const ids = fc.uniqueArray(fc.constantFrom('mi-1', 'mi-2', 'mi-3', 'mi-4', 'mi-5'), { maxLength: 5 });
const rngFrom = (xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length]!;
};

describe('resolver contract (docs/model.md §9.5)', () => {
  it('every resolver returns a live node or null, and null exactly when resolverCanAssign says so', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('active-passive', 'round-robin', 'task-node' as const),
        fc.integer({ min: 1, max: 4 }),
        ids,
        ids,
        fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 1, maxLength: 5 }),
        (type, count, taskNodes, live, draws) => {
          const c = cfg(type, count, taskNodes.length > 0 ? taskNodes : ['mi-1']);
          const state = freshResolverState();
          const rng = rngFrom(draws);
          for (let k = 0; k < 5; k++) {
            const got = resolveTask(c, state, live, rng);
            expect(got === null).toBe(!resolverCanAssign(c, live));
            if (got !== null) expect(live).toContain(got);
            if (got !== null && type === 'task-node') expect(c.taskNodes).toContain(got);
          }
        },
      ),
    );
  });

  it('active-passive keeps every task on one node until that node leaves, then re-picks among the live', () => {
    const c = cfg('active-passive');
    const state = freshResolverState();
    const rng = rngFrom([0.5, 0.1]);
    const first = resolveTask(c, state, ['mi-1', 'mi-2', 'mi-3'], rng);
    expect(first).toBe('mi-2');
    for (let i = 0; i < 10; i++) expect(resolveTask(c, state, ['mi-1', 'mi-2', 'mi-3', 'mi-4'], rng)).toBe('mi-2'); // no rebalancing on join
    expect(resolveTask(c, state, ['mi-1', 'mi-3'], rng)).toBe('mi-1');
  });

  it('round-robin spreads tasks and assigns nothing below task_server_count (a quorum-like pause)', () => {
    const c = cfg('round-robin', 2);
    const state = freshResolverState();
    expect(resolveTask(c, state, ['mi-1'], rngFrom([0]))).toBeNull();
    const got = [0, 1, 2, 3].map(() => resolveTask(c, state, ['mi-1', 'mi-2'], rngFrom([0])));
    expect(new Set(got)).toEqual(new Set(['mi-1', 'mi-2']));
  });

  it('task-node assigns only to its listed nodes, and nothing when none of them is live', () => {
    const c = cfg('task-node', 1, ['mi-3']);
    const state = freshResolverState();
    expect(resolveTask(c, state, ['mi-1', 'mi-2'], rngFrom([0]))).toBeNull();
    expect(resolveTask(c, state, ['mi-1', 'mi-3'], rngFrom([0]))).toBe('mi-3');
  });
});
