// deploy/: the Kubernetes Indexed Job that runs an experiment in shards, and its image. No Docker
// engine or cluster exists here, so the image build is not tested; the manifest is parsed and
// checked for what the Job needs, and its shard pods' and merge pod's commands are run locally as
// Kubernetes would run them (JOB_COMPLETION_INDEX set, $(VAR) expanded in args, /results a shared
// folder): the merged output must be the single run's, byte for byte.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deploysim, describeRun, expectExit, requireBuilt, ROOT } from './cli-process.js';

const NO_TIME_LIMIT = { timeout: 0 };
const temp = mkdtempSync(join(tmpdir(), 'deploysim-deploy-'));
/** Appended to the Job's arguments (later options win) so that the test is quick. */
const FAST = ['--replications', '6', '--horizon', '10d'];

interface Container {
  name: string;
  image: string;
  command?: string[];
  args: string[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface JobDoc {
  kind: string;
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: { spec: { containers: Container[]; initContainers?: Container[]; restartPolicy: string; securityContext?: { runAsNonRoot?: boolean }; volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }> } };
  };
}

const docs = parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'indexed-job.yaml'), 'utf8')).map((d) => d.toJS() as JobDoc);
const shards = docs.find((d) => d.kind === 'Job' && d.spec.completionMode === 'Indexed')!;
const merge = docs.find((d) => d.kind === 'Job' && d.spec.completionMode === undefined)!;

/** $(NAME) in an argument, as Kubernetes expands it from the container's environment. */
const expand = (arg: string, env: Record<string, string>) => arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string) => env[name] ?? m);
const local = (arg: string) => arg.replace(/^\/results(?=\/|$)/, temp);

beforeAll(() => requireBuilt());
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('deploy/indexed-job.yaml', () => {
  test('is an Indexed Job of n shards writing to a shared volume, and a merge Job reading it', () => {
    expect(shards, 'an Indexed Job').toBeDefined();
    expect(merge, 'a merge Job').toBeDefined();
    const [container] = shards.spec.template.spec.containers;
    const shard = container!.args[container!.args.indexOf('--shard') + 1]!;
    const n = Number(/^\$\(JOB_COMPLETION_INDEX\)\/(\d+)$/.exec(shard)?.[1]);
    expect(n).toBeGreaterThan(1);
    expect(shards.spec.completions).toBe(n);
    expect(shards.spec.parallelism).toBe(n);
    expect(shards.spec.template.spec.restartPolicy).toBe('Never');
    for (const job of [shards, merge]) {
      const spec = job.spec.template.spec;
      expect(spec.securityContext?.runAsNonRoot, job.metadata.name).toBe(true);
      expect(spec.containers[0]!.volumeMounts?.[0]?.mountPath, job.metadata.name).toBe('/results');
      const claim = spec.volumes?.find((v) => v.name === spec.containers[0]!.volumeMounts![0]!.name)?.persistentVolumeClaim?.claimName;
      expect(docs.some((d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === claim), `${job.metadata.name}: its volume's claim is in the file`).toBe(true);
      expect(spec.containers[0]!.image).toBe(container!.image);
    }
    expect(container!.args.slice(container!.args.indexOf('--out'), container!.args.indexOf('--out') + 2)).toEqual(['--out', '/results/shard-$(JOB_COMPLETION_INDEX).jsonl']);
    expect(merge.spec.template.spec.containers[0]!.args[0]).toBe('merge');
    // The merge waits for all n shard files.
    expect(merge.spec.template.spec.initContainers![0]!.args.join(' ')).toContain(`-ge ${n}`);
  });

  test('its shard pods and merge pod, run here as Kubernetes runs them, print the single run’s output', NO_TIME_LIMIT, async () => {
    const args = shards.spec.template.spec.containers[0]!.args;
    const n = shards.spec.completions!;
    const runs = await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const env = { JOB_COMPLETION_INDEX: String(i) };
        return deploysim([...args.map((a) => local(expand(a, env))), ...FAST], { env });
      }),
    );
    for (const r of runs) expectExit(r, 0);
    for (let i = 0; i < n; i++) expect(existsSync(join(temp, `shard-${i}.jsonl`))).toBe(true);
    const merged = await deploysim(merge.spec.template.spec.containers[0]!.args.map(local));
    expectExit(merged, 0);
    const outFile = local(merge.spec.template.spec.containers[0]!.args.at(-1)!);
    // The same experiment in one run: the Job's command without --shard and --out.
    const single: string[] = [];
    for (let k = 0; k < args.length; k++) {
      if (args[k] === '--shard' || args[k] === '--out') k++;
      else single.push(args[k]!);
    }
    const one = await deploysim([...single, ...FAST]);
    expectExit(one, 0);
    expect(readFileSync(outFile, 'utf8'), describeRun(merged)).toBe(one.stdout);
  });
});

describe('deploy/Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
  test('builds in two stages and runs the compiled program as a non-root user on Node 20 slim', () => {
    const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['node:20-slim', 'node:20-slim']);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^ENTRYPOINT \["node", "\/app\/bin\/deploysim\.js"\]$/m);
    // Every path it copies from the repository exists.
    for (const m of text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) for (const path of m[1]!.split(/\s+/)) expect(existsSync(join(ROOT, path)), path).toBe(true);
  });
});
