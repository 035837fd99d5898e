/**
 * The CPU side of serving, shared by both traffic modes. MI serves a request with a worker thread
 * that spends `cpuPerRequest` of CPU time (mediation) and `backendTime` waiting on the backend; a
 * thread uses at most one core. A pod's requests in their CPU phase share the cores the pod gets
 * equally (processor sharing, each at most one core); the pod gets at most its CPU limit (the CFS
 * quota, taken as a steady cap rather than 100 ms throttling periods), and the pods on one node
 * share its allocatable CPU: each gets what it asks for while the node has room, and when the node
 * is contended the cores are shared in proportion to the CPU requests (CFS shares), none getting
 * more than it asks for.
 */

let fixedScratch = new Uint8Array(8);

/**
 * Shares `capacity` among `n` demands in proportion to `weights`, none above its demand (water
 * filling). Writes each allocation into `out` and returns the water level (allocation per unit of
 * weight of those held back), Infinity when every demand is met.
 */
export function waterFill(capacity: number, demands: ArrayLike<number>, weights: ArrayLike<number>, n: number, out: Float64Array | number[]): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += demands[i]!;
  if (total <= capacity) {
    for (let i = 0; i < n; i++) out[i] = demands[i]!;
    return Infinity;
  }
  // Fix the demands below their proportional share, then share the rest among the others.
  if (fixedScratch.length < n) fixedScratch = new Uint8Array(n * 2);
  const fixed = fixedScratch;
  fixed.fill(0, 0, n);
  let left = capacity;
  for (let round = 0; round <= n; round++) {
    let weight = 0;
    for (let i = 0; i < n; i++) if (!fixed[i]) weight += weights[i]!;
    if (!(weight > 0)) break;
    const level = left / weight;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (!fixed[i] && demands[i]! <= level * weights[i]!) {
        fixed[i] = 1;
        out[i] = demands[i]!;
        left -= demands[i]!;
        changed = true;
      }
    }
    if (!changed) {
      for (let i = 0; i < n; i++) if (!fixed[i]) out[i] = level * weights[i]!;
      return level;
    }
  }
  for (let i = 0; i < n; i++) if (!fixed[i]) out[i] = 0;
  return 0;
}

/**
 * The CPU stretch of a pod with `cores` cores (any positive real) receiving Poisson arrivals at
 * `lambda` per second, each needing `cpuMeanS` of CPU: mean time in the CPU phase divided by the
 * CPU time. Requests share the cores equally, each using at most one, so the number in the CPU
 * phase is a birth-death chain with service rate min(n, cores) / cpuMeanS. That queue is symmetric
 * (Kelly), hence insensitive: the result holds for any CPU-time distribution. With one core it is
 * M/G/1-PS, 1 / (1 - rho). Infinity at or above the CPU capacity.
 */
export function cpuStretch(lambda: number, cpuMeanS: number, cores: number): number {
  const a = lambda * cpuMeanS; // cores busy on average
  if (!(a > 0)) return 1;
  const rho = a / cores;
  if (!(rho < 1)) return Infinity;
  const m = Math.floor(cores);
  // Below m the chain is Poisson-like; when m is far above a, the states beyond m are negligible.
  if (m - a > 10 * Math.sqrt(a) + 10) return 1;
  // Probabilities relative to P(m): P(n)/P(m) = prod_{k=n+1..m} k/a for n < m, rho^(n-m) above.
  let ratio = 1;
  let below = 1;
  let belowN = m;
  for (let n = m - 1; n >= 0; n--) {
    ratio *= (n + 1) / a;
    below += ratio;
    belowN += n * ratio;
  }
  const geo = rho / (1 - rho);
  const z = below + geo;
  const meanN = (belowN + m * geo + rho / ((1 - rho) * (1 - rho))) / z;
  return Math.max(1, meanN / a);
}

/**
 * Requests per second a pod serves at most: the CPU bound cores / cpuMeanS when its workers can
 * keep the cores busy, else the worker bound workers / (cpuMeanS + backendMeanS) (every worker
 * busy, each request held for its CPU and backend time).
 */
export function podCapacityRps(cores: number, cpuMeanS: number, backendMeanS: number, workers: number): number {
  const cpu = cpuMeanS > 0 ? cores / cpuMeanS : Infinity;
  const hold = cpuMeanS + backendMeanS;
  const pool = hold > 0 ? workers / hold : Infinity;
  return Math.min(cpu, pool);
}

/**
 * The CPU stretch of a saturated pod: every worker busy, serving at `capacityRps`, so each request
 * is held workers / capacity (Little), of which the backend takes its mean.
 */
export function saturatedStretch(capacityRps: number, cpuMeanS: number, backendMeanS: number, workers: number): number {
  if (!(cpuMeanS > 0)) return 1;
  return Math.max(1, (workers / capacityRps - backendMeanS) / cpuMeanS);
}

/** Cores a pod may use alone on its node: its limit, or the node's allocatable CPU. */
export function podCoreCap(limitMillicores: number | null, nodeMillicores: number): number {
  return Math.min(limitMillicores ?? Infinity, nodeMillicores) / 1000;
}
