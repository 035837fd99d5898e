import { describe, expect, it } from 'vitest';
import { saturationThroughput } from '../../sim/experiment/index.js';
import { builtin } from '../helpers/scenario.js';

describe('saturation throughput', () => {
  const traffic = ['workloads[0].traffic={rate: 200/s, cpuPerRequest: 0s, backendTime: {dist: exponential, mean: 50ms}}', 'workloads[0].serving.concurrency=20'];

  it('of one replica is about a third of three replicas on three nodes', () => {
    const one = saturationThroughput(builtin('single-replica', traffic))!;
    const three = saturationThroughput(builtin('multiple-replicas', traffic))!;
    // Each pod serves at most concurrency / mean service time = 20 / 0.05 s = 400 requests/s.
    expect(one.rps).toBeGreaterThan(0.9 * 400);
    expect(one.rps).toBeLessThanOrEqual(400 * 1.001);
    expect(three.rps / one.rps).toBeGreaterThan(2.9);
    expect(three.rps / one.rps).toBeLessThan(3.1);
  });

  it('falls with a bounded queue that rejects, and is null without traffic', () => {
    const unbounded = saturationThroughput(builtin('single-replica', traffic))!;
    const bounded = saturationThroughput(builtin('single-replica', [...traffic, 'workloads[0].serving.queue=5']))!;
    expect(bounded.rps).toBeLessThan(unbounded.rps);
    expect(saturationThroughput(builtin('single-replica', ['workloads[0].traffic=none']))).toBeNull();
  });
});
