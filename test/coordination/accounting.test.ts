import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskAccount } from '../../sim/metrics/artifact-metrics.js';
import { fixedTimesSchedule, intervalSchedule, type FireSchedule } from '../../sim/model/artifacts/schedule.js';
import type { Artifact, Runner } from '../../sim/model/artifacts/types.js';
import type { Pod } from '../../sim/model/kube/types.js';

/** Brute force: every fire time of a schedule in [a, b). */
function fires(s: FireSchedule, anchor: number, a: number, b: number): number[] {
  const out: number[] = [];
  for (let t = s.firstAtOrAfter(anchor, a); t < b; t = s.firstAtOrAfter(anchor, t + 1e-6)) out.push(t);
  return out;
}

describe('fire schedules', () => {
  it('interval: count, first and last agree with stepping through the fires', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 100, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 2000, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (interval, anchor, a, len) => {
        const s = intervalSchedule(interval);
        const b = a + len;
        // Times within the schedule's tolerance of a fire count as that fire: keep away from them.
        const offGrid = (t: number): boolean => Math.abs((t - anchor) / interval - Math.round((t - anchor) / interval)) > 1e-6;
        fc.pre(offGrid(a) && offGrid(b));
        const list = fires(s, anchor, a, b);
        expect(s.count(anchor, a, b)).toBe(list.length);
        for (const t of list) expect(t).toBeGreaterThanOrEqual(Math.max(anchor, a) - 1e-6);
        const last = s.lastBefore(anchor, b);
        if (b <= anchor) expect(last).toBe(-Infinity);
        else expect(last).toBeLessThan(b);
        if (list.length > 0) expect(last).toBeCloseTo(list[list.length - 1]!, 6);
      }),
    );
  });

  it('fixed times: fires at each offset of each cycle, whoever runs it', () => {
    const s = fixedTimesSchedule([7200, 50400], 86400); // 02:00 and 14:00
    expect(s.count(123, 0, 3 * 86400)).toBe(6);
    expect(s.count(0, 7200, 7200.5)).toBe(1);
    expect(s.count(0, 7200.5, 50400)).toBe(0);
    expect(s.firstAtOrAfter(0, 7201)).toBe(50400);
    expect(s.lastBefore(0, 86400 + 7200)).toBe(50400);
  });
});

const artifact = (schedule: FireSchedule): Artifact =>
  ({ index: 0, name: 't', config: { kind: 'scheduled-task', name: 't', coordination: true, pinnedServers: [], interval: 60, every: 86400 }, schedule, runners: [] }) as Artifact;
const runnerOf = (a: Artifact, anchorS: number, name = 'p'): Runner => ({ artifact: a, pod: { name } as Pod, anchorS, sinceS: anchorS, coordinated: true });

describe('task accounting', () => {
  it('one runner all along: every slot executed once, none missed or duplicated', () => {
    const a = artifact(intervalSchedule(60));
    const acc = new TaskAccount(a);
    acc.change(5, runnerOf(a, 5), true);
    acc.startWindow(600);
    acc.finish(6600);
    expect(acc.executions).toBe(100);
    expect(acc.missed).toBe(0);
    expect(acc.duplicates).toBe(0);
    expect(acc.coverage.downS).toBe(0);
  });

  it('a takeover gap: the old schedule’s slots before the new runner’s first fire are missed', () => {
    const a = artifact(intervalSchedule(60));
    const acc = new TaskAccount(a);
    const r1 = runnerOf(a, 0, 'a');
    acc.change(0, r1, true);
    acc.startWindow(0);
    acc.change(130, r1, false); // fired at 0, 60, 120
    const r2 = runnerOf(a, 250, 'b'); // fires at 250, 310, ...: the slots 180 and 240 are missed
    acc.change(250, r2, true);
    acc.finish(400);
    expect(acc.executions).toBe(3 + 3); // 250, 310, 370
    expect(acc.missed).toBe(2);
    expect(acc.duplicates).toBe(0);
    expect(acc.takeovers).toEqual([120]);
    expect(acc.coverage.downS).toBe(120);
  });

  it('fixed times: the times nobody ran are missed, whoever runs the others', () => {
    const a = artifact(fixedTimesSchedule([3600], 7200)); // 01:00, 03:00, 05:00, ...
    const acc = new TaskAccount(a);
    acc.startWindow(0);
    const r1 = runnerOf(a, 100, 'a');
    acc.change(100, r1, true); // 3600 run
    acc.change(5000, r1, false);
    const r2 = runnerOf(a, 12000, 'b'); // 10800 missed; 18000 run
    acc.change(12000, r2, true);
    acc.finish(20000);
    expect(acc.executions).toBe(2);
    expect(acc.missed).toBe(1);
  });

  it('n concurrent runners: each slot executes once and is duplicated n - 1 times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.double({ min: 0, max: 59, noNaN: true }), { minLength: 6, maxLength: 6 }), (n, phases) => {
        const a = artifact(intervalSchedule(60));
        const acc = new TaskAccount(a);
        for (let i = 0; i < n; i++) acc.change(phases[i]!, runnerOf(a, phases[i]!, `p${i}`), true);
        acc.startWindow(60);
        acc.finish(60 + 60 * 50);
        expect(acc.executions).toBe(50);
        expect(acc.duplicates).toBe(50 * (n - 1));
        expect(acc.missed).toBe(0);
      }),
    );
  });

  it('the primary leaving while a second runner runs: no gap, no false miss', () => {
    const a = artifact(intervalSchedule(60));
    const acc = new TaskAccount(a);
    const r1 = runnerOf(a, 0, 'a');
    const r2 = runnerOf(a, 58, 'b');
    acc.startWindow(0);
    acc.change(0, r1, true);
    acc.change(58, r2, true); // duplicate at 58
    acc.change(59, r1, false); // r2 goes on: 118, 178
    acc.finish(200);
    expect(acc.executions).toBe(1 + 2);
    expect(acc.duplicates).toBe(1);
    expect(acc.missed).toBe(0);
    expect(acc.takeovers).toEqual([]);
  });

  it('expected slots = executed + missed over any gap pattern (fixed times)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 5000, noNaN: true }), fc.double({ min: 0, max: 5000, noNaN: true })), { maxLength: 8 }), (pairs) => {
        const a = artifact(fixedTimesSchedule([0, 300], 600));
        const acc = new TaskAccount(a);
        acc.startWindow(0);
        // Disjoint runner intervals, in order.
        let t = 0;
        for (const [gap, len] of pairs) {
          const r = runnerOf(a, t + gap, `p${t}`);
          acc.change(t + gap, r, true);
          acc.change(t + gap + len, r, false);
          t += gap + len;
        }
        acc.finish(t + 1000);
        expect(acc.executions + acc.missed).toBe(a.schedule!.count(0, 0, t + 1000));
        expect(acc.duplicates).toBe(0);
      }),
    );
  });
});
