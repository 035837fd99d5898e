import { describe, expect, it } from 'vitest';
import { EventBus } from '../../sim/engine/bus.js';
import { RandomStreams } from '../../sim/engine/random.js';
import { Simulation } from '../../sim/engine/simulation.js';
import type { ModelEvents } from '../../sim/model/events.js';
import { startCluster } from '../../sim/model/start.js';
import { builtin } from '../helpers/scenario.js';

/**
 * Memory stays flat in the horizon because nothing is kept per event or per dead entity: the
 * state after a thousand simulated years is the same size as after ten.
 */
describe('state does not grow with the horizon', () => {
  function stateAfter(years: number) {
    const s = builtin('isolated-stateful-pods');
    const sim = new Simulation();
    const streams = new RandomStreams('3/0');
    const c = startCluster(sim, streams, s, new EventBus<ModelEvents>());
    sim.run({ untilS: years * 365 * 86400 });
    return {
      streams: streams.names().length,
      pending: sim.pendingCount,
      pods: c.workloads.reduce((n, w) => n + w.pods.length, 0),
      podsOnNodes: c.nodes.reduce((n, node) => n + node.pods.length, 0),
      podsCreated: c.nextPodId,
      events: sim.eventsExecuted,
    };
  }

  it('streams, pending events and pods are bounded while pods keep being replaced', () => {
    const short = stateAfter(10);
    const long = stateAfter(1000);
    expect(long.events).toBeGreaterThan(50 * short.events);
    expect(long.podsCreated).toBeGreaterThan(10 * short.podsCreated); // pods were replaced many times over
    expect(long.streams).toBeLessThanOrEqual(short.streams + 9); // at most a few pods more alive at the end
    expect(long.pending).toBeLessThanOrEqual(short.pending + 10);
    expect(long.pods).toBeLessThanOrEqual(10);
    expect(long.podsOnNodes).toBeLessThanOrEqual(10);
  });
});
