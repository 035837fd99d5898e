// Cost in money: each pool's node-hours at its price, the coordination database's and the load
// balancer's hours when they are used, and the requests; checked against the hours by hand.
import { describe, expect, test } from 'vitest';
import { metricAt, runExperiment } from '../../sim/experiment/experiment.js';
import { formatScenarioError, loadScenarioText } from '../../sim/scenario/index.js';

const SCENARIO = `
horizon: 10d
warmup: 0s
replications: 2
cluster:
  nodePools:
    - {name: a, count: 2, failures: {crash: none}}
    - {name: b, count: 1, failures: {crash: none}}
workloads:
  - name: mi
    replicas: 2
    coordination: true
    failures: {crash: none}
    traffic: {rate: 50/s}
cost:
  currency: EUR
  prices:
    nodeHour: 0.5
    pools: [{pool: a, nodeHour: 1}]
    coordinationDatabaseHour: 0.1
    loadBalancerHour: 0.01
    perMillionRequests: 2
`;

describe('cost.money', () => {
  test('is the node-hours of each pool at its price, plus the database, the load balancer and the requests', () => {
    const loaded = loadScenarioText(SCENARIO, 'cost.yaml');
    expect(loaded.errors.map(formatScenarioError)).toEqual([]);
    const r = runExperiment(loaded.scenario!, undefined, { saturation: false });
    const hours = 240;
    const requests = metricAt(r, 'service.requests.arrived')!.mean!;
    expect(requests).toBeGreaterThan(40_000_000);
    const expected = 2 * hours * 1 + 1 * hours * 0.5 + hours * 0.1 + hours * 0.01 + (requests / 1e6) * 2;
    expect(metricAt(r, 'cost.money')!.mean!).toBeCloseTo(expected, 6);
    expect(metricAt(r, 'cost.nodeHours')!.mean!).toBeCloseTo(3 * hours, 9);
  });

  test('a price for a pool the cluster does not have, or for one pool twice, is a located error', () => {
    const bad = SCENARIO.replace('pools: [{pool: a, nodeHour: 1}]', 'pools: [{pool: c, nodeHour: 1}, {pool: a, nodeHour: 1}, {pool: a, nodeHour: 2}]');
    expect(loadScenarioText(bad, 'cost.yaml').errors.map(formatScenarioError)).toEqual([
      'cost.yaml:19:20 cost.prices.pools[0].pool: expected a node pool of the cluster (a, b), got "c"',
      'cost.yaml:19:68 cost.prices.pools[2].pool: expected each pool priced once (a is priced twice), got "a"',
    ]);
  });
});
