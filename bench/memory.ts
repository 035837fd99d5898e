import { runReplication } from '../sim/experiment/replication.js';
import { loadScenarioFile } from '../cli/scenarios.js';

/**
 * Child process of the memory benchmark: one replication of multiple-replicas whose horizon (in
 * years) is the argument. Prints, as JSON, the process's peak resident set size, the heap still in
 * use after a full collection at the end (the simulator's retained state) and the events simulated.
 */
const years = Number(process.argv[2] ?? '1000');
const scenario = loadScenarioFile('multiple-replicas', [`horizon=${years}y`, 'replications=1']);
const outcome = runReplication(scenario, scenario.seed, 0);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
process.stdout.write(
  JSON.stringify({
    years,
    events: outcome.events,
    rssMiB: process.resourceUsage().maxRSS / 1024,
    retainedHeapMiB: process.memoryUsage().heapUsed / 1048576,
  }),
);
