import { runReplication } from '../sim/experiment/replication.js';
import { loadScenarioFile } from '../cli/scenarios.js';

/**
 * Child process of the memory benchmark: one replication of multiple-replicas with the horizon
 * given as the first argument (e.g. 10000y, 2h) and further `path=value` overrides after it.
 * Prints, as JSON, the process's peak resident set size, the heap still in use after a full
 * collection at the end (the simulator's retained state) and the events simulated.
 */
const [horizon = '1000y', ...overrides] = process.argv.slice(2);
const scenario = loadScenarioFile('multiple-replicas', [...overrides, `horizon=${horizon}`, 'replications=1']);
const outcome = runReplication(scenario, scenario.seed, 0);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
process.stdout.write(
  JSON.stringify({
    horizon,
    events: outcome.events,
    rssMiB: process.resourceUsage().maxRSS / 1024,
    retainedHeapMiB: process.memoryUsage().heapUsed / 1048576,
  }),
);
