import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The browser visualiser: `npm run viz` serves it with vite's dev server; `npm run build:viz`
// writes the static site to dist/site with relative asset paths (it works from any static server
// and from `deploysim viz`, which serves dist/site). Not dist/viz: that is where the CLI build
// (tsconfig.build.json) compiles viz/data, which `deploysim viz` imports, and this build empties
// its output folder. Nothing is loaded from the network at runtime.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  // The built-in scenarios (../scenarios/*.yaml) are read at build time.
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  build: {
    outDir: fileURLToPath(new URL('../dist/site', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
});
