import { test } from 'vitest';
import { loadScenarioText, formatScenarioError, serializeScenario } from '../sim/scenario/index.js';
test('x', () => {
  const r = loadScenarioText(`workloads: [{name: mi, traffic: {rate: 200/s}}, {name: b, traffic: {rate: {profile: diurnal, mean: 100/s}}}, {name: c, traffic: {rate: 5x}}]`, 'x.yaml');
  console.log(r.errors.map(formatScenarioError));
  const ok = loadScenarioText(`workloads: [{name: mi, traffic: {rate: 200/s}}, {name: b, traffic: {rate: {profile: diurnal, mean: 100/s}}}]`, 'x.yaml');
  console.log(JSON.stringify(ok.scenario!.workloads.map(w => [w.traffic, w.serving])), JSON.stringify(ok.scenario!.loadBalancer), JSON.stringify(serializeScenario(ok.scenario!).workloads));
});
