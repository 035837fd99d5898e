import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { LANDING_PREFIX } from './src/worker/protocol.js';

// The browser visualiser: `npm run viz` serves it with vite's dev server; `npm run build:viz`
// writes the static site to dist/site with relative asset paths (it works from any static server
// and from `deploysim viz`, which serves dist/site). Not dist/viz: that is where the CLI build
// (tsconfig.build.json) compiles viz/data, which `deploysim viz` imports, and this build empties
// its output folder. Nothing is loaded from the network at runtime.
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * In the built page, a one-line script at the top of <head> starts the first simulation worker
 * before the page's bundle has arrived (boot.ts takes it over): a worker starts only while the
 * page's thread is free, and it is free while the bundle loads. The dev server starts its workers
 * from boot.ts.
 */
function earlyWorker(): Plugin {
  return {
    name: 'deploysim-early-worker',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const worker = Object.keys(ctx.bundle ?? {}).find((file) => /(^|\/)sim\.worker-[\w-]+\.js$/.test(file));
        if (worker === undefined) throw new Error('deploysim-early-worker: the simulation worker is missing from the bundle');
        // It also notes when the worker says it is running (boot.ts waits for that).
        const script = `{const w=new Worker(${JSON.stringify(`./${worker}`)},{type:"module",name:${JSON.stringify(LANDING_PREFIX)}+location.search});self.__deploysimWorkers=[w];self.__deploysimReady=new Promise(r=>{const f=e=>{if(e.data&&e.data.type==="ready"){w.removeEventListener("message",f);r()}};w.addEventListener("message",f);w.addEventListener("error",()=>r(),{once:true})})}`;
        return [{ tag: 'script', children: script, injectTo: 'head-prepend' }];
      },
    },
  };
}

/**
 * `vite build --mode report` (npm run build:report) builds the page of `deploysim report` instead:
 * src/report/main.ts and its CSS as one script and one stylesheet (IIFE: no imports, no chunks, no
 * worker) in dist/report-page, which cli/report.ts inlines with the data into a single HTML file.
 */
const report = defineConfig({
  root,
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/report-page', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // Everything inline: no asset may become a file the HTML would have to load.
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    // The page only draws results: no module it imports has to run for its side effects but its
    // CSS. Without this the bundle keeps the whole model, unused (sim/experiment/experiment.ts,
    // where metricAt lives, imports it).
    rolldownOptions: { treeshake: { moduleSideEffects: (id: string) => /\.css($|\?)/.test(id) } },
    lib: {
      entry: fileURLToPath(new URL('./src/report/main.ts', import.meta.url)),
      formats: ['iife'],
      name: 'deploysimReport',
      fileName: () => 'report.js',
      cssFileName: 'report',
    },
  },
});

const site = defineConfig({
  plugins: [earlyWorker()],
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

export default defineConfig(({ mode }) => (mode === 'report' ? report : site));
