import { checkInput, checkRandom, type Outcome, type RandomInput, type SoakInput } from './check.js';

/**
 * A worker process of the soak harness: takes inputs from its parent, checks each, and answers with
 * the outcome and its own peak memory so far. A crash, a hang or a runaway allocation here costs the
 * parent one worker, never the run (it starts another).
 */

export interface Job {
  id: number;
  input: SoakInput | RandomInput;
}

export interface Answer {
  id: number;
  outcome: Outcome;
  /** The generated text of a random input that failed. */
  text?: string;
  /** Peak resident memory of this process so far, in KiB. */
  maxRssKiB: number;
}

process.on('message', (job: Job) => {
  const outcome = job.input.part === 'random' ? checkRandom(job.input as RandomInput) : checkInput(job.input as SoakInput);
  const answer: Answer = { id: job.id, outcome: { kind: outcome.kind, message: outcome.message }, maxRssKiB: process.resourceUsage().maxRSS };
  const text = (outcome as { text?: string }).text;
  if (text !== undefined) answer.text = text;
  process.send!(answer);
});
process.on('disconnect', () => process.exit(0));
