import { loadScenarioFile } from '../cli/scenarios.js';
import { runReplication } from '../sim/experiment/replication.js';

/**
 * `node dist/bench/half.js FROM TO`: runs replications [FROM, TO) of multiple-replicas (fluid
 * traffic, one year) in this process, after 300 others to compile its code, and prints the seconds
 * they took and the cores it kept busy meanwhile (CPU time over wall time: V8's compiler and
 * garbage-collector threads work beside the main one). npm run bench starts two at once to see what
 * two independent processes get from this machine's cores.
 */
const [from, to] = process.argv.slice(2).map(Number) as [number, number];
const scenario = loadScenarioFile('multiple-replicas', ['traffic.mode=fluid', 'horizon=1y', 'replications=2000']);
for (let i = 0; i < 300; i++) runReplication(scenario, scenario.seed + 1, i);
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
for (let i = from; i < to; i++) runReplication(scenario, scenario.seed, i);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
console.log(`${seconds.toFixed(3)} ${((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2)}`);
