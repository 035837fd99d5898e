import { describe, expect, it } from 'vitest';
import { artifactValue as v, oneArtifact as scenario, traced } from './helpers.js';

const ie = (p: string, extra = '') => `{kind: inbound-endpoint, name: ie, protocol: ${p}, messageRate: 10/s${extra}}`;
const mp = '{kind: message-processor, name: mp, feedRate: 10/s}';
const outage = '{type: backend-failure, at: 1h, artifact: mp, duration: 5m}';

/** Consumers through JVM pauses, broker deaths and degenerate inputs (docs/model.md §10.3, §10.4). */
describe('consumers: pauses, deaths and edge cases', () => {
  it('a 2 s JVM pause leaves a deactivated processor deactivated', () => {
    const r = traced(scenario(mp, true, [outage, '{type: jvm-pause, at: 90m, runnerOf: mp, duration: 2s}']), 2, 0);
    expect(v(r, 'mp', 'downtimeS')).toBeGreaterThan(7000);
  });
  it('a pause during the retries does not count a second deactivation', () => {
    const r = traced(scenario(mp, true, [outage, '{type: jvm-pause, at: 3605s, runnerOf: mp, duration: 2s}']), 2, 0);
    expect(v(r, 'mp', 'deactivations')).toBe(1);
  });
  it('a 2 s pause (under the 45 s session timeout) stops no Kafka consumer', () => {
    const r = traced(scenario(ie('kafka'), false, ['{type: jvm-pause, at: 2h, runnerOf: ie, duration: 2s}']), 2, 0);
    expect(v(r, 'ie', 'downtimeS')).toBe(0);
  });
  it('a 2 s pause (under the 60 s heartbeat) causes no RabbitMQ redelivery; a 2 min one does, for a consumer always busy', () => {
    const busy = ie('rabbitmq', ', processingTime: {dist: constant, value: 1s}');
    const short = traced(scenario(busy, false, ['{type: jvm-pause, at: 2h, runnerOf: ie, duration: 2s}']), 2, 0);
    expect(v(short, 'ie', 'duplicateExecutions')).toBe(0);
    const long = traced(scenario(busy, false, ['{type: jvm-pause, at: 2h, runnerOf: ie, duration: 2m}']), 2, 0);
    expect(v(long, 'ie', 'duplicateExecutions')).toBe(1);
  });
  it('one of three Kafka consumers crashing leaves the other two consuming; a third of the feed waits 45 s', () => {
    const r = traced(scenario(ie('kafka'), false, ['{type: node-crash, at: 2h, runnerOf: ie, repairAfter: none}']), 2, 0);
    expect(v(r, 'ie', 'downtimeS')).toBe(0);
    expect(v(r, 'ie', 'backlogMax')).toBeCloseTo(150, 6);
  });
  it('a zero processing time: nothing is consumed while nobody runs the endpoint', () => {
    const r = traced(scenario(ie('jms', ', processingTime: {dist: constant, value: 0}'), true, ['{type: node-crash, at: 2h, runnerOf: ie, repairAfter: none}']), 2, 0);
    expect(v(r, 'ie', 'backlogMax')).toBeGreaterThan(100);
  });
  it('no RabbitMQ redelivery when no message was ever published', () => {
    const r = traced(scenario(ie('rabbitmq').replace('10/s', '0/s'), true, ['{type: node-crash, at: 2h, runnerOf: ie, repairAfter: none}']), 2, 0);
    expect(v(r, 'ie', 'duplicateExecutions')).toBe(0);
  });
  it('a topic subscriber frozen, then killed, loses what waited for it (a clean session keeps nothing)', () => {
    // Liveness (Helm: 3 x 10 s after the hang) kills the hung server; MQTT has no broker detection here.
    const r = traced(scenario(ie('mqtt'), true, ['{type: pod-hang, at: 1h, runnerOf: ie}'], 1), 2, 0);
    const fed = 10 * (3 * 3600 - 600);
    // Nothing that waited for the frozen subscriber is delivered later: lost = what came while it was frozen or gone.
    expect(v(r, 'ie', 'executions') + v(r, 'ie', 'missedExecutions')).toBeCloseTo(fed, 3);
    const lost = v(r, 'ie', 'missedExecutions');
    const gap = r.distributions.get('artifacts.ie.takeoverS')!.reduce((a, b) => a + b, 0);
    expect(lost).toBeCloseTo(10 * gap, 0);
  });
  it('a Kafka member frozen on a pod being deleted leaves without closing: its partitions wait for the session timeout', () => {
    const r = traced(scenario(ie('kafka'), false, ['{type: jvm-pause, at: 1800s, runnerOf: ie, duration: 200s}', '{type: scale, at: 1810s, workload: mi, replicas: 2}']), 2, 0);
    // A third of the feed waits from the pause (1800 s) to the session expiry (1845 s), not only to the deletion.
    expect(v(r, 'ie', 'backlogMax')).toBeCloseTo((10 / 3) * 45, 6);
  });
});

