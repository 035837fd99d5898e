import { SingleBar } from 'cli-progress';
import type { ParallelProgress } from '../sim/experiment/parallel.js';
import { clipName } from './format.js';

/** A progress bar on stderr (cli-progress): replications done of the total, rate, ETA, what is running. */
export interface Progress {
  update(p: ParallelProgress): void;
  /** Ends the bar (its last state stays on the terminal); idempotent. */
  stop(): void;
}

const bars = new Set<Progress>();

/**
 * A bar drawn on `stream` (the terminal's stderr): replications done of the total, the rate, the
 * time left, and the scenario (or sweep point) or, for a long replication run in this process, how
 * far into its horizon it is. cli-progress redraws at most every 200 ms.
 */
export function progressBar(stream: NodeJS.WritableStream): Progress {
  const bar = new SingleBar(
    {
      stream,
      format: '{bar} {value}/{total} replications | {rate}/s | ETA {eta_formatted} | {what}',
      barCompleteChar: '#',
      barIncompleteChar: '-',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
      etaBuffer: 50,
      forceRedraw: false,
    },
  );
  const startMs = Date.now();
  let started = false;
  let stopped = false;
  const progress: Progress = {
    update(p) {
      if (stopped) return;
      const elapsedS = (Date.now() - startMs) / 1000;
      const rate = elapsedS > 0 ? (p.done / elapsedS).toFixed(p.done / elapsedS >= 10 ? 0 : 1) : '0';
      const within = p.timeS !== undefined && p.horizonS ? `, replication ${(p.replication ?? 0) + 1} at ${Math.floor((100 * p.timeS) / p.horizonS)}%` : '';
      const what = `${clipName(p.scenario)} ${p.scenarioDone}/${p.scenarioTotal}${within}`;
      if (!started) {
        bar.start(p.total, p.done, { rate, what });
        started = true;
      } else {
        if (bar.getTotal() !== p.total) bar.setTotal(p.total);
        bar.update(p.done, { rate, what });
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bars.delete(progress);
      if (started) bar.stop();
    },
  };
  bars.add(progress);
  return progress;
}

/** Ends every bar still drawn (main calls it as the command ends, also after an error). */
export function stopProgressBars(): void {
  for (const b of [...bars]) b.stop();
}
