import { dist, duration, int, leaf, num, NUMBER, object, oneOf, positiveDuration, rate as rateField, type ObjectSpec, type UnionSpec, MS, S, lognormal } from './spec.js';

/**
 * Scenario fields of the request traffic: how pods serve, what each workload receives, the
 * traffic fidelity, and the load balancer in front. Comments cite the mechanism's section of
 * docs/model.md and the row of docs/sources.md that gives the default's public source (B:
 * Kubernetes and load balancers; D: serving), or the WSO2 documentation.
 */

const rate = (doc: string) => rateField(undefined, doc);

/**
 * CPU per request of a light mediation (docs/model.md §8.4; sources.md D "CPU per request"): WSO2's
 * pass-through benchmarks measure 0.19-0.34 ms; median 0.45 ms and p95 1 ms give a mean of about 0.5 ms.
 */
export const CPU_PER_REQUEST = lognormal(0.45 * MS, 1 * MS);

/** A rate profile: `rate: 200/s` (constant) or `{profile: diurnal | step | spike, ...}`. */
export const rateProfile: UnionSpec = {
  kind: 'union',
  tag: 'profile',
  doc: 'arrival rate over time: a rate such as 200/s, or {profile: step | diurnal | spike, ...}',
  shorthand: { variant: 'constant', field: 'rate' },
  variants: {
    constant: object({ rate: rate('requests per second') }, 'the same rate all the time'),
    step: object(
      { from: rate('rate before `at`'), to: rate('rate from `at` on'), at: duration(undefined, 'when the rate changes') },
      'a rate that changes once',
    ),
    diurnal: object(
      {
        mean: rate('average rate'),
        amplitude: num(0.5, 'relative swing: the rate goes from mean*(1-amplitude) to mean*(1+amplitude)', 0, 1),
        period: positiveDuration(86400 * S, 'length of one cycle'),
        peakAt: duration(14 * 3600 * S, 'time of the peak within the cycle'),
      },
      'a daily (or any period) cosine: mean * (1 + amplitude * cos(2 pi (t - peakAt) / period))',
    ),
    spike: object(
      {
        base: rate('rate outside the spike'),
        peak: rate('rate during the spike'),
        at: duration(undefined, 'when the spike starts'),
        duration: positiveDuration(undefined, 'how long it lasts'),
      },
      'a burst on top of a steady rate',
    ),
  },
};

export const serving: ObjectSpec = object(
  {
    // WSO2 MI docs, "Tuning the HTTP Transport": [transport.http] core_worker_pool_size = 400.
    concurrency: int(400, 'requests a pod works on at once (the MI pass-through worker pool)', 1, 1_000_000),
    // Same page: worker_pool_queue_length = -1 (unbounded).
    queue: int(null, 'requests waiting for a worker; more are rejected (503); none: unbounded, as MI by default', 0, 100_000_000, { nullable: true }),
  },
  'how each pod of the workload serves requests (docs/model.md §8.4)',
);

export const workloadTraffic: ObjectSpec = object(
  {
    rate: rateProfile,
    // docs/model.md §8.4; sources.md D "CPU per request" (see CPU_PER_REQUEST).
    cpuPerRequest: dist(CPU_PER_REQUEST, 'CPU time one request takes on one core (its mediation: parsing, routing, transforming); calibrate it as cores / throughput at full CPU from your own load test'),
    // Assumption: a fast backend; set it to your own measurements.
    backendTime: dist(lognormal(20 * MS, 100 * MS), 'wall-clock time a request waits on its backend, holding a worker but no CPU'),
    // Assumption: a typical client timeout; the ingress itself gives up at loadBalancer.readTimeout.
    timeout: positiveDuration(30 * S, 'client timeout: a request not answered within it fails as timed out'),
  },
  'requests sent to this workload through the load balancer (docs/model.md §8.1); none: no traffic',
  { nullable: true, default: null, moved: { serviceTime: 'cpuPerRequest (CPU time) plus backendTime (waiting on the backend)' } },
);

export const traffic: ObjectSpec = object(
  {
    mode: oneOf(
      ['fluid', 'requests'],
      'fluid',
      'fluid: flows integrated between state changes (years in milliseconds); requests: every request simulated (hours)',
    ),
    saturationSuccessRate: leaf(NUMBER, 0.999, 'success rate the saturation-throughput search must keep', {
      check: (v: number) => (v > 0 && v < 1 ? undefined : 'a number between 0 and 1 (both excluded)'),
    }),
  },
  'traffic fidelity (docs/model.md §8.6, §8.7)',
);

export const loadBalancer: ObjectSpec = object(
  {
    type: oneOf(['ingress', 'cloud'], 'ingress', 'ingress: ingress-nginx in the cluster; cloud: an external load balancer with its own health checks'),
    // docs/model.md §8.3; sources.md B "ingress-nginx LB algorithm" (load-balance default round_robin).
    policy: oneOf(['round-robin', 'least-connections', 'random', 'power-of-two', 'ewma'], 'round-robin', 'how an upstream is chosen'),
    // docs/model.md §8.2; sources.md B "ingress-nginx retries and timeouts" (proxy-next-upstream-tries 3).
    tries: int(3, 'ingress: tries per request; a connection failure is retried on another upstream (a cloud load balancer does not retry)', 1, 20),
    // docs/model.md §8.2; sources.md D "Front overhead" (an assumption: one more hop and a proxy pass, about 1 ms).
    overhead: duration(1 * MS, 'latency the front adds to every request (its network hop and proxying)'),
    // docs/model.md §8.2; sources.md B "ingress-nginx retries and timeouts" (proxy-connect-timeout 5 s, read 60 s).
    connectTimeout: positiveDuration(5 * S, 'time lost on an upstream that does not answer the connection (its node is down)'),
    readTimeout: positiveDuration(60 * S, 'time the front waits for a response before failing the request'),
    // docs/model.md §8.2; sources.md "How takeover timing composes": T_ep, endpoint propagation, about 1-3 s.
    endpointPropagation: dist({ dist: 'uniform', min: 1 * S, max: 3 * S }, 'delay before a change of pod readiness reaches the front'),
    // Assumption from ingress-nginx's ewma balancer (decay time 10 s).
    ewmaDecay: positiveDuration(10 * S, 'ewma policy: decay time of the latency average'),
    healthCheck: object(
      {
        // docs/model.md §8.2; sources.md B "AWS ALB target-group health check" (30 s, 5 s, healthy 5, unhealthy 2).
        interval: positiveDuration(30 * S, 'time between health checks of a target'),
        timeout: positiveDuration(5 * S, 'a check not answered within it fails'),
        healthyThreshold: int(5, 'passing checks in a row to become healthy', 1, 100),
        unhealthyThreshold: int(2, 'failing checks in a row to become unhealthy', 1, 100),
      },
      'cloud: the load balancer’s own health checks of each target',
    ),
    // docs/model.md §8.2; sources.md B "AWS deregistration delay" (300 s).
    deregistrationDelay: duration(300 * S, 'cloud: how long a removed target keeps its in-flight requests'),
  },
  'the front that spreads requests over the ready pods (docs/model.md §8.2)',
);
