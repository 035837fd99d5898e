import { describe, expect, it } from 'vitest';
import { makeDistribution } from '../../sim/engine/distributions.js';
import { artifactValue as v, oneArtifact as scenario, traced } from './helpers.js';

/** Message processors (docs/model.md §10.3) and inbound endpoints (§10.4) as flows on their stores. */

const windowS = 3 * 3600 - 600;

describe('message processors', () => {
  const mp = (extra = '') => `{kind: message-processor, name: mp, feedRate: 10/s${extra}}`;

  it('conserve messages: delivered + dropped + backlog left = fed, whatever fails', () => {
    for (const [extra, faults] of [
      ['', ['{type: backend-failure, at: 1h, artifact: mp, duration: 5m}']],
      [', dropAfterMaxAttempts: true', ['{type: backend-failure, at: 1h, artifact: mp, duration: 5m}', '{type: node-crash, at: 2h, runnerOf: mp, repairAfter: none}']],
      [', type: sampling, interval: 50ms', ['{type: backend-failure, at: 1h, artifact: mp, duration: 5m}']],
    ] as const) {
      for (const coordination of [true, false]) {
        const s = scenario(mp(extra), coordination, [...faults]);
        const r = traced(s, 2, 0);
        const left = r.values.get('artifacts.mp.backlogMax')! >= 0 ? backlogAtEnd(r) : 0;
        const total = v(r, 'mp', 'executions') - v(r, 'mp', 'duplicateExecutions') + v(r, 'mp', 'missedExecutions') + left;
        expect(Math.abs(total - 10 * windowS - r.startBacklog)).toBeLessThan(1e-6 * 10 * windowS);
        expect(v(r, 'mp', 'duplicateExecutions')).toBe(0);
      }
    }
  });

  it('deactivate after the last attempt during an endpoint outage and stay so until a takeover; the backlog grows at the feed rate', () => {
    const s = scenario(mp(), true, ['{type: backend-failure, at: 1h, artifact: mp, duration: 5m}', '{type: node-crash, at: 2h, runnerOf: mp, repairAfter: none}']);
    const r = traced(s, 2, 0);
    expect(v(r, 'mp', 'deactivations')).toBe(1);
    // Deactivated from about 1h + 3 attempts until the crash of its server at 2h, then ~16 s of takeover.
    const down = v(r, 'mp', 'downtimeS');
    expect(down).toBeGreaterThan(3600 - 10);
    expect(down).toBeLessThan(3600 + 30);
    expect(v(r, 'mp', 'backlogMax')).toBeGreaterThan(10 * 3590);
    expect(v(r, 'mp', 'missedExecutions')).toBe(0);
  });

  it('with dropAfterMaxAttempts drop one message per (attempts - 1) x retry interval + attempts x forward time, and never deactivate', () => {
    const s = scenario(mp(', dropAfterMaxAttempts: true'), true, ['{type: backend-failure, at: 1h, artifact: mp, duration: 10m}']);
    const r = traced(s, 2, 0);
    const cycleS = 3 * 1 + 4 * makeDistribution({ dist: 'lognormal', median: 0.05, p95: 0.2 }).mean;
    expect(v(r, 'mp', 'missedExecutions')).toBeCloseTo(600 / cycleS, 6);
    expect(v(r, 'mp', 'deactivations')).toBe(0);
    expect(v(r, 'mp', 'availability')).toBe(1);
  });

  it('an operator re-activation ends the deactivation after reactivateAfter', () => {
    const s = scenario(mp(', reactivateAfter: 20m'), true, ['{type: backend-failure, at: 1h, artifact: mp, duration: 5m}']);
    const r = traced(s, 2, 0);
    expect(v(r, 'mp', 'downtimeS')).toBeCloseTo(1200, 6);
    expect(v(r, 'mp', 'availability')).toBeCloseTo(1 - 1200 / windowS, 9);
  });

  it('on several uncoordinated servers consume in parallel (order lost) and each deactivates', () => {
    const s = scenario(mp(), false, ['{type: backend-failure, at: 1h, artifact: mp, duration: 5m}']);
    const r = traced(s, 2, 0);
    expect(v(r, 'mp', 'deactivations')).toBe(3);
    // Three servers consumed together until the outage (50 of the 170 measured minutes), then none.
    expect(v(r, 'mp', 'parallelFraction')).toBeCloseTo(50 / 170, 2);
  });

  it('delay an idle store by the poll: p99 near 0.99 x interval + forward time', () => {
    const s = scenario(mp(', forwardTime: 10ms'), true);
    const r = traced(s, 2, 0);
    expect(v(r, 'mp', 'deliveryDelayMs.p99')).toBeGreaterThan(985);
    expect(v(r, 'mp', 'deliveryDelayMs.p99')).toBeLessThan(1005);
    expect(v(r, 'mp', 'deliveryDelayMs.mean')).toBeCloseTo(510, 0);
  });
});

describe('inbound endpoints: the protocol decides what several consumers do', () => {
  const ie = (protocol: string, extra = '') => `{kind: inbound-endpoint, name: ie, protocol: ${protocol}, messageRate: 10/s${extra}}`;

  it('uncoordinated on 3 servers: topics, MQTT and directories are consumed 3 times; queues, Kafka and RabbitMQ shared', () => {
    for (const [protocol, copies] of [
      ['mqtt', 3],
      ['file', 3],
      ['jms, destination: topic', 3],
      ['jms', 1],
      ['kafka', 1],
      ['rabbitmq', 1],
    ] as const) {
      const r = traced(scenario(ie(protocol), false), 2, 0);
      const consumed = v(r, 'ie', 'executions');
      const dupes = v(r, 'ie', 'duplicateExecutions');
      expect(consumed - dupes, protocol).toBeCloseTo(10 * windowS, 3);
      expect(dupes, protocol).toBeCloseTo((copies - 1) * 10 * windowS, 3);
      expect(v(r, 'ie', 'parallelFraction'), protocol).toBe(1);
    }
  });

  it('coordinated: one consumer; a topic loses what is published during the takeover, a queue keeps it', () => {
    for (const [protocol, lost] of [
      ['mqtt', true],
      ['jms, destination: topic', true],
      ['jms', false],
      ['file', false],
    ] as const) {
      const r = traced(scenario(ie(protocol), true, ['{type: node-crash, at: 2h, runnerOf: ie, repairAfter: none}']), 2, 0);
      const gap = r.distributions.get('artifacts.ie.takeoverS')!;
      expect(gap, protocol).toHaveLength(1);
      expect(gap[0]!).toBeGreaterThan(10);
      expect(gap[0]!).toBeLessThan(25);
      expect(v(r, 'ie', 'parallelFraction')).toBe(0);
      if (lost) expect(v(r, 'ie', 'missedExecutions')).toBeCloseTo(10 * gap[0]!, 6);
      else {
        expect(v(r, 'ie', 'missedExecutions')).toBe(0);
        expect(v(r, 'ie', 'backlogMax')).toBeCloseTo(10 * gap[0]!, 6);
      }
    }
  });

  it('kafka: after a consumer dies without leaving, its partitions wait for the session timeout (45 s); the other members go on with theirs', () => {
    // Coordinated: the new consumer's join waits for the dead member's session: 45 s without consuming.
    const alone = traced(scenario(ie('kafka'), true, ['{type: node-crash, at: 2h, runnerOf: ie, repairAfter: none}']), 2, 0);
    expect(alone.distributions.get('artifacts.ie.takeoverS')).toEqual([45]);
    expect(v(alone, 'ie', 'backlogMax')).toBeCloseTo(450, 6);
    // Uncoordinated: the two others keep consuming; a third of the feed waits 45 s on the dead member's partitions.
    const group = traced(scenario(ie('kafka'), false, ['{type: node-crash, at: 2h, runnerOf: ie, repairAfter: none}']), 2, 0);
    expect(group.distributions.get('artifacts.ie.takeoverS')).toEqual([]);
    expect(v(group, 'ie', 'downtimeS')).toBe(0);
    expect(v(group, 'ie', 'backlogMax')).toBeCloseTo(150, 6);
    expect(v(group, 'ie', 'executions')).toBeCloseTo(10 * windowS, 3);
    // A graceful stop (a drain) leaves the group at once: no wait.
    const drained = traced(scenario(ie('kafka'), false, ['{type: node-drain, at: 2h, runnerOf: ie}']), 2, 0);
    expect(drained.distributions.get('artifacts.ie.takeoverS')).toEqual([]);
    expect(v(drained, 'ie', 'backlogMax')).toBeLessThan(1);
  });

  it('kafka: a member that restarts within the session timeout rejoins and stops the whole group until the old session expires', () => {
    const r = traced(scenario(ie('kafka'), false, ['{type: pod-crash, at: 2h, runnerOf: ie}']), 2, 0);
    const gaps = r.distributions.get('artifacts.ie.takeoverS')!;
    expect(gaps).toHaveLength(1);
    // From the restarted server's join (about 10-20 s after the crash) to 45 s after it.
    expect(gaps[0]!).toBeGreaterThan(15);
    expect(gaps[0]!).toBeLessThan(40);
  });

  it('rabbitmq: a consumer that dies holding a message has it delivered again after the heartbeat timeout, as often as it was busy', () => {
    // Busy all the time (1 s per message at 10/s on three servers): it always held one.
    const busy = `{kind: inbound-endpoint, name: ie, protocol: rabbitmq, messageRate: 10/s, processingTime: {dist: constant, value: 1s}}`;
    const r = traced(scenario(busy, false, ['{type: node-crash, at: 2h, runnerOf: ie, repairAfter: none}']), 2, 0);
    expect(v(r, 'ie', 'duplicateExecutions')).toBe(1);
    const graceful = traced(scenario(busy, false, ['{type: node-drain, at: 2h, runnerOf: ie}']), 2, 0);
    expect(v(graceful, 'ie', 'duplicateExecutions')).toBe(0);
    // Busy a fraction (10/s / 3 x 60 ms = 0.2) of the time: about one crash in five redelivers.
    const light = `{kind: inbound-endpoint, name: ie, protocol: rabbitmq, messageRate: 10/s, processingTime: {dist: constant, value: 60ms}}`;
    let redelivered = 0;
    const n = 200;
    for (let i = 0; i < n; i++) redelivered += v(traced(scenario(light, false, ['{type: node-crash, at: 2h, runnerOf: ie, repairAfter: none}']), 9, i), 'ie', 'duplicateExecutions');
    // Binomial(200, 0.2): mean 40, sd 5.7.
    expect(redelivered).toBeGreaterThan(40 - 4 * 5.7);
    expect(redelivered).toBeLessThan(40 + 4 * 5.7);
  });

  it('a JVM pause shorter than the broker detection freezes a consumer in place; a longer one counts as a death to the broker', () => {
    const pause = (p: string, d: string) => traced(scenario(ie(p), false, [`{type: jvm-pause, at: 2h, runnerOf: ie, duration: ${d}}`]), 2, 0);
    // Kafka: the paused member's third of the partitions waits for it (20 s), the rest flows.
    const short = pause('kafka', '20s');
    expect(v(short, 'ie', 'downtimeS')).toBe(0);
    expect(v(short, 'ie', 'backlogMax')).toBeCloseTo((10 / 3) * 20, 6);
    // 2 minutes: after 45 s the others get its partitions; it rejoins when it resumes.
    const long = pause('kafka', '2m');
    expect(v(long, 'ie', 'backlogMax')).toBeCloseTo((10 / 3) * 45, 6);
    // MQTT, coordinated (one subscriber): a frozen subscriber loses nothing, its messages wait.
    const mqtt = traced(scenario(ie('mqtt'), true, ['{type: jvm-pause, at: 2h, runnerOf: ie, duration: 10s}']), 2, 0);
    expect(v(mqtt, 'ie', 'missedExecutions')).toBe(0);
    expect(v(mqtt, 'ie', 'backlogMax')).toBeCloseTo(100, 6);
  });
});

/** The backlog at the horizon, from the last flow. */
function backlogAtEnd(r: ReturnType<typeof traced>): number {
  return r.flows.at(-1)?.backlogTo ?? 0;
}

describe('capability rows ("all of them")', () => {
  it('lose between the largest and the sum of their members\' downtimes, in every pattern; pods of their own most of the sum', async () => {
    const { builtin } = await import('../helpers/scenario.js');
    const { runReplication } = await import('../../sim/experiment/replication.js');
    const members: Record<string, string[]> = {
      scheduledTasks: ['recurringOrder_Task', 'scheduleOrder_Task'],
      messageProcessors: ['orderForwardingProcessor'],
      inboundEndpoints: ['orderFileInbound', 'orderKafkaInbound', 'deviceMqttInbound'],
    };
    for (const name of ['single-replica', 'isolated-stateful-pods', 'uncoordinated-replicas']) {
      const s = builtin(name, ['horizon=2y']);
      let capDown = 0;
      let sumDown = 0;
      for (let i = 0; i < 30; i++) {
        const r = runReplication(s, 5, i);
        for (const [cap, names] of Object.entries(members)) {
          const down = (key: string) => 1 - r.values.get(key)!;
          const parts = names.map((n) => down(`artifacts.${n}.availability`));
          const c = down(`capabilities.${cap}.availability`);
          expect(c, `${name} ${cap} ${i}`).toBeGreaterThanOrEqual(Math.max(...parts) - 1e-12);
          expect(c, `${name} ${cap} ${i}`).toBeLessThanOrEqual(parts.reduce((a, b) => a + b, 0) + 1e-12);
          if (name === 'isolated-stateful-pods' && cap === 'inboundEndpoints') {
            capDown += c;
            sumDown += parts.reduce((a, b) => a + b, 0);
          }
        }
      }
      // Three endpoints in three pods: container crashes are independent, node failures hit the
      // pods that share a node together, so their outages overlap only in part.
      if (name === 'isolated-stateful-pods') {
        expect(capDown / sumDown).toBeGreaterThan(0.85);
        expect(capDown / sumDown).toBeLessThan(0.99);
      }
    }
  });
});
