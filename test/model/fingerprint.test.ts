import { describe, expect, it } from 'vitest';
import { runReplication } from '../../sim/experiment/index.js';
import { MODEL_EVENT_NAMES } from '../../sim/model/kube/cluster.js';
import type { Scenario } from '../../sim/scenario/index.js';
import { builtin } from '../helpers/scenario.js';

/**
 * Event-sequence fingerprints: a hash of every model event of one replication (its time, its kind
 * and what it is about) from before the cluster starts to the horizon. A refactor that must not
 * change behaviour (the run loop, the trace, the replication session) must leave these equal.
 * When a change is meant to alter behaviour, update the values below in the same commit and say
 * why in its message.
 */

/** FNV-1a, 64 bits in two 32-bit halves, over the UTF-16 code units of a text. */
class Hash {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;
  add(text: string): void {
    for (let i = 0; i < text.length; i++) {
      this.lo ^= text.charCodeAt(i);
      // Multiply the 64-bit value by the FNV prime 0x100000001b3.
      const lo = this.lo * 0x1b3;
      const hi = this.hi * 0x1b3 + this.lo * 0x100 + Math.floor(lo / 0x100000000);
      this.lo = lo >>> 0;
      this.hi = hi >>> 0;
    }
  }
  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

/** What an event is about: its primitive fields, and the name of each object field that has one. */
function entity(payload: unknown): string {
  if (payload === null || typeof payload !== 'object') return String(payload);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(payload as Record<string, unknown>)) {
    // What took a pod out of service, and which timeouts a dead or hung pod caused, are notes for
    // the metrics, not behaviour.
    if (key === 'disruption' || key === 'hungTimedOut' || key === 'lossTimedOut') continue;
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') parts.push(`${key}=${value}`);
    else if (value !== null && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') parts.push(`${key}=${(value as { name: string }).name}`);
  }
  return parts.join(',');
}

function fingerprint(scenario: Scenario): { events: number; hash: string } {
  const hash = new Hash();
  let events = 0;
  runReplication(scenario, scenario.seed, 0, {
    beforeStart: (bus, sim) => {
      for (const name of MODEL_EVENT_NAMES) {
        bus.on(name, (payload: unknown) => {
          events++;
          hash.add(`${sim.nowS}|${String(name)}|${entity(payload)};`);
        });
      }
    },
  });
  return { events, hash: hash.hex() };
}

// One replication of each built-in, short enough for a unit test (fluid traffic, 30 days); the
// rolling update in requests mode for two hours (every request is an event), the autoscaler for two days.
const CASES: Array<[string, string[], { events: number; hash: string }]> = [
  ['single-replica', ['horizon=30d'], { events: 265, hash: 'badc5f23806d0c96' }],
  ['multiple-replicas', ['horizon=30d'], { events: 252, hash: 'c94bb4c20e3e950a' }],
  ['multiple-replicas-coordination', ['horizon=30d'], { events: 527, hash: '87a967ab84c3a24d' }],
  // (MI 4.4, the default before 4.6: its sequence is unchanged.)
  ['multiple-replicas-coordination', ['horizon=30d', 'coordination.miVersion=4.4'], { events: 413, hash: '4758081bad5ac3ec' }],
  ['isolated-stateful-pods', ['horizon=30d'], { events: 570, hash: '2224c54ce63c4c28' }],
  ['uncoordinated-replicas', ['horizon=30d'], { events: 637, hash: '84bdc77b49c8a850' }],
  ['rolling-update', ['traffic.mode=requests', 'horizon=2h', 'workloads[0].traffic.rate=50/s'], { events: 720893, hash: '44a22e9334516657' }],
  ['autoscaling', ['horizon=2d', 'warmup=1h'], { events: 23157, hash: '617246a8d2d61064' }],
];

describe('event-sequence fingerprints of the built-in scenarios', () => {
  it.each(CASES)('%s %j', (name, overrides, expected) => {
    const got = fingerprint(builtin(name, overrides));
    expect(got.events).toBeGreaterThan(100);
    expect(got).toEqual(expected);
  });

  it('tells apart a different seed and a different scenario', () => {
    const a = fingerprint(builtin('single-replica', ['horizon=10d']));
    expect(fingerprint(builtin('single-replica', ['horizon=10d'])).hash).toBe(a.hash);
    expect(fingerprint(builtin('single-replica', ['horizon=10d', 'seed=2'])).hash).not.toBe(a.hash);
    expect(fingerprint(builtin('single-replica', ['horizon=10d', 'workloads[0].startup.serverStart=6s'])).hash).not.toBe(a.hash);
  });
});
