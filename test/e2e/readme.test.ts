// Every example in the README is run: each command line of its
// ```sh / ```bash blocks that starts with `deploysim`, `npx deploysim` or `node bin/deploysim.js`
// must exit 0. `run`, `compare`, `sweep`, `advise` and `report` get `--replications 2 --horizon 10d` unless the line sets them, so
// the suite stays fast; `npm ...` lines are skipped (npm test would run itself).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BIN, deploysim, describeRun, expectNoStackTrace, requireBuilt, ROOT } from './cli-process.js';
import { formatScenarioError, loadScenarioText } from '../../sim/scenario/index.js';

const README = join(ROOT, 'README.md');
const SHELL_FENCES = new Set(['sh', 'bash', 'shell', 'console']);
const PROGRAM_PREFIXES: string[][] = [['npx', 'deploysim'], ['node', 'bin/deploysim.js'], ['deploysim']];

export interface ReadmeCommand {
  /** 1-based line of the README where the command starts. */
  line: number;
  /** The line as written (continuations joined). */
  text: string;
  /** The program words as written: `deploysim`, `npx deploysim` or `node bin/deploysim.js`. */
  program: string[];
  /** The arguments after the program name, as a shell would split them. */
  args: string[];
}

/** Splits a shell command line into words: quotes and backslashes as sh does, `#` starts a comment. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${text}`);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      for (; j < text.length && text[j] !== '"'; j++) s += text[j] === '\\' && /["\\$`]/.test(text[j + 1] ?? '') ? text[++j] : text[j];
      if (j >= text.length) throw new Error(`unterminated " in: ${text}`);
      word = (word ?? '') + s;
      i = j;
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === '#' && word === null) {
      break;
    } else if (/[|;&<>()]/.test(c) && word === null) {
      // An operator: keep it as its own word (`&&`, `||`, `>>`, `2>` handled by the caller).
      let op = c;
      while (i + 1 < text.length && /[|&<>]/.test(text[i + 1]!)) op += text[++i];
      words.push(op);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** The simple commands of a line: split at `&&`, `||`, `;`; a pipe or redirection ends a command (its output is not written anywhere). */
function simpleCommands(words: string[]): string[][] {
  const commands: string[][] = [[]];
  let skipping = false;
  for (const w of words) {
    if (w === '&&' || w === '||' || w === ';') {
      commands.push([]);
      skipping = false;
    } else if (skipping) continue;
    else if (/^[|<>]|^\d+>|^&>/.test(w) || w === '|') skipping = true;
    else commands[commands.length - 1]!.push(w);
  }
  return commands.filter((c) => c.length > 0);
}

/** Finds the deploysim command lines of the README's shell blocks. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const found: ReadmeCommand[] = [];
  let inShell = false;
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*(```+|~~~+)\s*([\w-]*)/.exec(lines[i]!);
    if (fence) {
      if (inFence) inFence = inShell = false;
      else {
        inFence = true;
        inShell = SHELL_FENCES.has(fence[2]!.toLowerCase());
      }
      continue;
    }
    if (!inShell) continue;
    const start = i;
    let text = lines[i]!.replace(/^\s*\$\s+/, '');
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = `${text.replace(/\\\s*$/, '')} ${lines[++i]!.trim()}`;
    for (let words of simpleCommands(shellWords(text))) {
      while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words = words.slice(1); // VAR=value prefixes
      const prefix = PROGRAM_PREFIXES.find((p) => p.every((w, k) => words[k] === w));
      if (prefix) found.push({ line: start + 1, text: text.trim(), program: prefix, args: words.slice(prefix.length) });
    }
  }
  return found;
}

/**
 * `run`, `compare`, `sweep`, `advise` and `report` get a small number of replications and a short
 * horizon unless the line sets them, and with `--precision` at most 50 replications (the line shows
 * the option works; its target is the README's to state, not this test's to reach).
 */
export function fastArgs(args: string[]): string[] {
  const command = args.find((a) => !a.startsWith('-'));
  if (command !== 'run' && command !== 'compare' && command !== 'sweep' && command !== 'advise' && command !== 'report') return args;
  const has = (option: string): boolean => args.some((a) => a === option || a.startsWith(`${option}=`));
  return [
    ...args,
    ...(has('--replications') ? [] : ['--replications', '2']),
    ...(has('--horizon') ? [] : ['--horizon', '10d']),
    ...(has('--precision') && !has('--max-replications') ? ['--max-replications', '50'] : []),
  ];
}

/** Starts `deploysim viz ...`, fetches the link it prints, then interrupts it (as Ctrl-C does). */
async function serveOnce(args: string[]): Promise<{ page: string; status: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string | null>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /deploysim viz: (http:\S+)/.exec(output);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => resolve(null));
  });
  const page = url === null ? '' : await (await fetch(url)).text();
  const status = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.on('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
  return { page, status, output };
}

describe('README examples', () => {
  test('README.md exists', () => {
    if (!existsSync(README)) {
      throw new Error(`README.md does not exist yet at ${README}: issue 2 asks for one whose first screen gives \`npm install && npm start\` and \`npm test\` and a short tour, and every example in it is run by this test`);
    }
  });

  const commands = existsSync(README) ? readmeCommands(readFileSync(README, 'utf8')) : [];

  test.concurrent.each(commands.map((c) => [`README.md:${c.line} ${[...c.program, ...c.args].join(' ')}`, c] as const))('%s', async (_name, c) => {
    requireBuilt();
    if (c.args.find((a) => !a.startsWith('-')) === 'viz') {
      // A server: it must print its link and serve the page there, then stop cleanly on Ctrl-C.
      const served = await serveOnce([...c.args, '--port', '0']);
      expect(served.page, `README.md line ${c.line}: \`${c.text}\` served no page\n${served.output}`).toMatch(/<title>[^<]*deploysim/);
      expect(served.status, served.output).toBe(0);
      return;
    }
    if (c.args.find((a) => !a.startsWith('-')) === 'report') {
      // A file: written to a folder of the test's own (not the checkout), and it must be the HTML report.
      const dir = mkdtempSync(join(tmpdir(), 'deploysim-readme-'));
      try {
        const k = c.args.indexOf('--out');
        expect(k, `README.md line ${c.line}: \`${c.text}\` has no --out FILE`).toBeGreaterThanOrEqual(0);
        const out = join(dir, basename(c.args[k + 1]!));
        const r = await deploysim(fastArgs(c.args.map((a, j) => (j === k + 1 ? out : a))));
        expect(r.status, `README.md line ${c.line}: \`${c.text}\` failed\n${describeRun(r)}`).toBe(0);
        expectNoStackTrace(r);
        expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<title>deploysim report: /);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    const r = await deploysim(fastArgs(c.args));
    expect(r.status, `README.md line ${c.line}: \`${c.text}\` failed\n${describeRun(r)}`).toBe(0);
    expectNoStackTrace(r);
  });
});

describe('README scenario examples', () => {
  const blocks: Array<{ line: number; text: string }> = [];
  if (existsSync(README)) {
    const lines = readFileSync(README, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*```ya?ml\s*$/.test(lines[i]!)) continue;
      const start = i + 1;
      const body: string[] = [];
      while (++i < lines.length && !/^\s*```/.test(lines[i]!)) body.push(lines[i]!);
      blocks.push({ line: start + 1, text: body.join('\n') });
    }
  }

  test.each(blocks.map((b) => [`README.md:${b.line}`, b] as const))('%s is a valid scenario', (_name, b) => {
    const r = loadScenarioText(b.text, `README.md:${b.line}`);
    expect(r.errors.map(formatScenarioError)).toEqual([]);
  });
});

describe('README command extraction', () => {
  test('finds deploysim lines in sh/bash blocks only, skips npm, comments and other blocks', () => {
    const md = [
      '```sh',
      'npm install && npm start   # builds',
      'deploysim patterns                 # the built-in scenarios',
      '$ npx deploysim run single-replica --seed 7',
      'node bin/deploysim.js compare a b \\',
      '  --horizon 1d',
      "deploysim run x --set 'a=b c' | head -3",
      'DEPLOYSIM_DEBUG=1 deploysim fields > /tmp/out.md',
      '```',
      '```',
      'deploysim run not-shell',
      '```',
      '```yaml',
      'deploysim: no',
      '```',
      '```bash',
      'deploysim validate scenarios/single-replica.yaml',
      '```',
    ].join('\n');
    expect(readmeCommands(md).map((c) => [c.line, c.args])).toEqual([
      [3, ['patterns']],
      [4, ['run', 'single-replica', '--seed', '7']],
      [5, ['compare', 'a', 'b', '--horizon', '1d']],
      [7, ['run', 'x', '--set', 'a=b c']],
      [8, ['fields']],
      [17, ['validate', 'scenarios/single-replica.yaml']],
    ]);
  });

  test('run and compare get fast options unless already set', () => {
    expect(fastArgs(['run', 'single-replica'])).toEqual(['run', 'single-replica', '--replications', '2', '--horizon', '10d']);
    expect(fastArgs(['compare', '--horizon', '2y'])).toEqual(['compare', '--horizon', '2y', '--replications', '2']);
    expect(fastArgs(['run', 'x', '--replications=5', '--horizon', '1d'])).toEqual(['run', 'x', '--replications=5', '--horizon', '1d']);
    expect(fastArgs(['report', 'single-replica', '--out', 'r.html'])).toEqual(['report', 'single-replica', '--out', 'r.html', '--replications', '2', '--horizon', '10d']);
    expect(fastArgs(['run', 'x', '--precision', '1%'])).toEqual(['run', 'x', '--precision', '1%', '--replications', '2', '--horizon', '10d', '--max-replications', '50']);
    expect(fastArgs(['patterns'])).toEqual(['patterns']);
    expect(fastArgs(['validate', 'run'])).toEqual(['validate', 'run']);
  });
});
