#!/usr/bin/env node
// Entry point of the deploysim command. The TypeScript sources are compiled to dist/ by
// `npm install` (prepare script) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('deploysim is not built yet: run `npm install` (it builds) or `npm run build`.\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
