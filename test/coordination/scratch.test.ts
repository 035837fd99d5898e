import { it } from 'vitest';
import { builtin } from '../helpers/scenario.js';
import { gaps, traced } from './helpers.js';

it('scratch', () => {
  const s = builtin('multiple-replicas-coordination');
  for (let i = 0; i < 50; i++) {
    const r = traced(s, 1, i);
    const g = gaps(r.runners, 'recurringOrder_Task').filter(([a, b]) => b - a > 3600);
    if (g.length === 0) continue;
    const [a, b] = g[0]!;
    console.log('rep', i, 'gap', a, b);
    console.log(r.coordination.filter((e) => e.t > a - 600 && e.t < Math.min(b, a + 3600)).map((e) => `${e.t.toFixed(2)} ${e.kind} ${e.node} ${e.task ?? ''}`).join('\n'));
    console.log(r.faults.filter((e) => e.t > a - 600 && e.t < Math.min(b, a + 3600)).map((e) => `${e.t.toFixed(2)} FAULT ${e.type} ${e.target}`).join('\n'));
    console.log(r.runners.filter((e) => e.t > a - 600 && e.t < Math.min(b, a + 3600)).map((e) => `${e.t.toFixed(2)} ${e.started ? 'START' : 'STOP'} ${e.task} ${e.pod}`).join('\n'));
    break;
  }
});
