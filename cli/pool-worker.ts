/**
 * A worker thread of the CLI's pool (cli/pool.ts): runs the jobs it is given with sim/ and returns
 * their results (structured-cloned back to the main thread).
 */
import { runJob, type Job, type JobResult } from '../sim/experiment/jobs.js';

export default function run(job: Job): JobResult {
  return runJob(job);
}
