import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../sim/engine/random.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { runReplication } from '../../sim/experiment/index.js';
import type { Cluster } from '../../sim/model/kube/cluster.js';
import { startCluster } from '../../sim/model/start.js';
import { scenarioFrom } from '../helpers/scenario.js';
import { checkInvariants } from '../../soak/invariants.js';

/** Kubernetes behaviours that need a particular sequence of events to show. */

function run(yaml: string, untilS?: number): Cluster {
  const s = scenarioFrom(yaml);
  const sim = new Simulation();
  const c = startCluster(sim, new RandomStreams('behaviour/0'), s);
  sim.run({ untilS: untilS ?? s.horizon });
  checkInvariants(c);
  return c;
}

describe('drains', () => {
  it('an uncordon ends its own drain and leaves another node’s drain running', () => {
    const c = run(`
horizon: 2h
cluster: {nodePools: [{count: 4, zones: [a, b, c, d], failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 3
    scheduling: {podAntiAffinity: {required: hostname, preferred: none}}
    podDisruptionBudget: {minAvailable: 2}
    failures: {crash: none}
faults:
  - {type: pod-crash, at: 700s, workload: mi, podIndex: 1}
  - {type: node-drain, at: 701s, nodeOf: mi, podIndex: 0, uncordonAfter: 63s}
  - {type: node-drain, at: 702s, nodeOf: mi, podIndex: 2, uncordonAfter: none}
`);
    const cordoned = c.nodes.filter((n) => n.cordoned);
    expect(cordoned).toHaveLength(1);
    // The drain of the node that stays cordoned went on to the end: no pod of mi is left on it.
    expect(cordoned[0]!.pods.filter((p) => !p.deleted)).toHaveLength(0);
    expect(c.drains).toHaveLength(0);
    expect(c.workloads[0]!.servingCount).toBe(3);
  });

  it('a PodDisruptionBudget holds a drain until the replacement is Ready', () => {
    const c = run(
      `
horizon: 1h
cluster: {nodePools: [{count: 3, failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 2
    scheduling: {podAntiAffinity: {required: hostname, preferred: none}}
    podDisruptionBudget: {minAvailable: 2}
    failures: {crash: none}
faults:
  - {type: node-drain, at: 20m, nodeOf: mi, podIndex: 0, uncordonAfter: none}
`,
      20 * 60 + 30,
    );
    // Two Ready pods and minAvailable 2: nothing may be evicted, the drain waits.
    expect(c.drains).toHaveLength(1);
    expect(c.workloads[0]!.pods.filter((p) => p.deleted)).toHaveLength(0);
  });
});

describe('probes', () => {
  it('without a startup probe, liveness kills a server too slow to answer, again and again', () => {
    const s = scenarioFrom(`
horizon: 1h
warmup: 10m
cluster: {nodePools: [{count: 1, failures: {crash: none}}]}
workloads:
  - name: mi
    startup: {serverStart: 60s, artifacts: 4, artifactDeploy: 10s}
    probes: {startup: none}
    failures: {crash: none}
`);
    const out = runReplication(s, 1, 0);
    expect(out.values.get('service.availability')).toBe(0);
    // With a startup probe (the default) the same server starts fine.
    const ok = runReplication(scenarioFrom(`
horizon: 1h
warmup: 10m
cluster: {nodePools: [{count: 1, failures: {crash: none}}]}
workloads:
  - name: mi
    startup: {serverStart: 60s, artifacts: 4, artifactDeploy: 10s}
    failures: {crash: none}
`), 1, 0);
    expect(ok.values.get('service.availability')).toBe(1);
  });
});

describe('scheduling', () => {
  it('required anti-affinity counts a Terminating pod on a dead node until it is gone', () => {
    let boundAt = -1;
    const s = scenarioFrom(`
horizon: 3h
cluster: {nodePools: [{count: 4, zones: [zone-a, zone-b, zone-c], failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 3
    scheduling: {podAntiAffinity: {required: zone, preferred: none}}
    failures: {crash: none}
faults:
  - {type: node-crash, at: 1h, node: worker-1, repairAfter: 1h}
`);
    runReplication(s, 1, 0, {
      onStart(c, bus) {
        bus.on('pod.phase', ({ pod, from }) => {
          if (from === 'Pending' && pod.createdS > 3600) boundAt = c.sim.nowS;
        });
      },
    });
    // worker-4 is in zone-a, like worker-1: the replacement must wait for the old pod to be gone (repair at 2 h).
    expect(boundAt).toBeGreaterThanOrEqual(7200);
  });
});

describe('rollouts', () => {
  it('scaled down mid-rollout, the Deployment scales its ReplicaSets in proportion down to replicas + maxSurge at once', () => {
    const c = run(
      `
horizon: 1h
cluster: {nodePools: [{count: 4, failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 8
    failures: {crash: none}
faults:
  - {type: rolling-update, at: 30m, workload: mi}
  - {type: scale, at: 1801s, workload: mi, replicas: 4}
`,
      1801.5,
    );
    const live = c.workloads[0]!.pods.filter((p) => !p.deleted);
    // replicas 4 + maxSurge 25% (rounded up: 1); both revisions keep some pods.
    expect(live.length).toBe(5);
    expect(new Set(live.map((p) => p.revision)).size).toBe(2);
  });

  it('Recreate replaces an old pod that is gone at once (crash-looping) with one new pod, not two', () => {
    const c = run(
      `
horizon: 1h
cluster: {nodePools: [{count: 2, failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 1
    startup: {imagePull: 0s, serverStart: 5s, artifacts: 3}
    probes: {startup: {initialDelay: 5s, period: 3s, failureThreshold: 2}, readiness: none, liveness: none}
    strategy: {type: Recreate}
    failures: {crash: none}
faults:
  - {type: rolling-update, at: 60s, workload: mi}
`,
      61,
    );
    // At 60 s the old pod is in BackOff (no container): it is gone at once, and one new pod replaces it.
    expect(c.workloads[0]!.pods.map((p) => [p.revision, p.deleted])).toEqual([[1, false]]);
  });

  it('a rollout re-check planned for the instant a pod becomes available finds it available (no loop at that instant)', () => {
    // minReadySeconds 20 s; readiness at container start: readySinceS + 20 must count as available then.
    const s = scenarioFrom(JSON.stringify({"horizon":"12h","warmup":"10m","cluster":{"nodePools":[{"name":"a","count":3,"cpu":"2","failures":{"crash":{"timeToFailure":{"dist":"exponential","mean":"8h"}},"repairTime":"20m"}},{"name":"b","count":1,"zones":["zone-z"],"failures":{"crash":"none"}}]},"workloads":[{"name":"w0","replicas":0,"servesTraffic":false,"resources":{"requests":{"cpu":"250m","memory":"512Mi"}},"startup":{"imagePull":"0s","serverStart":"1s","artifacts":0},"probes":{"startup":"none","readiness":"none","liveness":"none"},"scheduling":{"podAntiAffinity":{"required":"none","preferred":"none"},"topologySpread":[]},"podDisruptionBudget":"none","strategy":{"type":"RollingUpdate","maxSurge":"25%","maxUnavailable":"25%"},"traffic":"none","failures":{"crash":"none","hang":"none","jvmPause":"none"},"coordination":false,"artifacts":[]},{"name":"w1","replicas":1,"servesTraffic":false,"resources":{"requests":{"cpu":"250m","memory":"512Mi"}},"startup":{"imagePull":"11s","serverStart":"20s","artifacts":3},"probes":{"startup":"none","readiness":"none","liveness":{"period":"10s"}},"scheduling":{"podAntiAffinity":{"required":"none","preferred":"none"},"topologySpread":[]},"podDisruptionBudget":"none","strategy":{"type":"RollingUpdate","maxSurge":"25%","maxUnavailable":0,"minReadySeconds":"20s"},"traffic":"none","failures":{"crash":"none","hang":"none","jvmPause":"none"},"coordination":false,"artifacts":[]}],"coordination":{"miVersion":"4.3","resolver":{"type":"active-passive"},"database":{}},"faults":[{"type":"rolling-update","at":"60s","workload":"w1"}]}));
    const sim = new Simulation();
    const c = startCluster(sim, new RandomStreams('280/0'), s);
    expect(sim.run({ untilS: s.horizon, maxEvents: 200_000 })).not.toBe('maxEvents');
    checkInvariants(c);
    expect(c.workloads[1]!.pods.every((p) => p.revision === c.workloads[1]!.revision)).toBe(true);
  });
});

