import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomScenario } from './random-scenarios.js';

/** One scenario the soak harness mutates: a name for the report and its text. */
export interface CorpusEntry {
  name: string;
  text: string;
}

/** Random scenarios added to the corpus (as JSON: they exercise the JSON reading too). */
const RANDOM_IN_CORPUS = 10;

/**
 * What the soak harness mutates: every built-in scenario (scenarios/), every test fixture
 * (test/fixtures/), every YAML example of the README, and a few of the random scenarios the
 * invariant tests generate.
 */
export function soakCorpus(root: string): CorpusEntry[] {
  const yamlFiles = (dir: string): CorpusEntry[] =>
    readdirSync(join(root, dir))
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .sort()
      .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(join(root, dir, f), 'utf8') }));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i) => ({ name: `README.md example ${i + 1}`, text: m[1]! }));
  const random = Array.from({ length: RANDOM_IN_CORPUS }, (_, i) => ({ name: `random scenario ${i}`, text: randomScenario(i).text }));
  return [...yamlFiles('scenarios'), ...yamlFiles('test/fixtures'), ...examples, ...random];
}
