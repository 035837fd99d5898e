import { runExperiment } from '../sim/experiment/experiment.js';
import { loadScenarioFile } from '../cli/scenarios.js';

/**
 * Child process of the memory benchmark: what `deploysim run multiple-replicas --horizon <H>`
 * does (every replication of the scenario), with H in years as the argument. Prints, as JSON, the
 * peak resident set size of the process, the heap still in use after a full collection (the
 * simulator's retained state) and the events simulated.
 */
const years = Number(process.argv[2] ?? '1');
const scenario = loadScenarioFile('multiple-replicas', [`horizon=${years}y`]);
const result = runExperiment(scenario);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
process.stdout.write(
  JSON.stringify({
    years,
    replications: scenario.replications,
    events: Math.round((result.eventsPerReplication.mean ?? 0) * scenario.replications),
    rssMiB: process.resourceUsage().maxRSS / 1024,
    retainedHeapMiB: process.memoryUsage().heapUsed / 1048576,
  }),
);
