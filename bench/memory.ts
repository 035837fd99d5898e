import { runReplication } from '../sim/experiment/replication.js';
import { loadScenarioFile } from '../cli/scenarios.js';

/**
 * Child process of the memory benchmark: one replication of multiple-replicas with the horizon
 * (in years) given as the argument; prints peak RSS, peak heap used (sampled during the run) and
 * the number of events, as JSON.
 */
const years = Number(process.argv[2] ?? '100');
const scenario = loadScenarioFile('multiple-replicas', [`horizon=${years}y`, 'replications=1']);
let peakHeap = 0;
let calls = 0;
const gc = (globalThis as { gc?: () => void }).gc;
const outcome = runReplication(scenario, scenario.seed, 0, {
  onStart(_c, bus) {
    bus.on('cluster.usage', () => {
      if (++calls % 500 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    });
  },
});
gc?.();
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
process.stdout.write(
  JSON.stringify({ years, events: outcome.events, rssMiB: process.resourceUsage().maxRSS / 1024, heapMiB: peakHeap / 1048576 }),
);
