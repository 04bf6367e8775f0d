import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The screens used in the field, offline: their chunks are precached with the shell (src/lead: the lead's and the volunteer's). */
const FIELD_SCREENS = /\/src\/lead\//;

/**
 * Writes sw.js with the list of files to precache and a version derived from every built file (a new build replaces
 * the cache). Precached: what the entry needs (its chunks, CSS and assets) and the field screens (FIELD_SCREENS) with
 * theirs. Not precached: what only the other screens reach (the officer's, the department's dashboard with its chart
 * library), which the worker caches the first time it is fetched, so a lead's phone never downloads them.
 */
function serviceWorker(): Plugin {
  return {
    name: 'cdtg-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map'));
      const needed = new Set<string>();
      const visit = (name: string) => {
        const item = bundle[name];
        if (!item || needed.has(name)) return;
        needed.add(name);
        if (item.type !== 'chunk') return;
        item.imports.forEach(visit);
        item.viteMetadata?.importedCss.forEach(visit);
        item.viteMetadata?.importedAssets.forEach(visit);
      };
      Object.values(bundle).forEach((item) => item.type === 'chunk' && item.isEntry && visit(item.fileName));
      // (By the modules a chunk holds: a screen the others import too can end up in a shared chunk, not an entry.)
      Object.values(bundle).forEach((item) => item.type === 'chunk' && item.moduleIds.some((id) => FIELD_SCREENS.test(id)) && visit(item.fileName));
      const lazy = new Set<string>();
      const visitLazy = (name: string) => {
        const item = bundle[name];
        if (!item || needed.has(name) || lazy.has(name)) return;
        lazy.add(name);
        if (item.type !== 'chunk') return;
        item.imports.forEach(visitLazy);
        item.viteMetadata?.importedCss.forEach(visitLazy);
        item.viteMetadata?.importedAssets.forEach(visitLazy);
      };
      Object.values(bundle).forEach((item) => item.type === 'chunk' && item.isDynamicEntry && visitLazy(item.fileName));
      const shell = files.filter((f) => f !== 'index.html' && !lazy.has(f));
      const precache = ['/index.html', ...shell.map((f) => `/${f}`), '/icon.svg', '/manifest.webmanifest'];
      const version = createHash('sha256').update(files.sort().join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(`${here}service-worker.js`, 'utf8').replace('__VERSION__', version).replace('__PRECACHE__', JSON.stringify(precache));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

/** Text files compressed at build, next to the originals (.br and .gz): the API sends the one the browser accepts. */
const COMPRESSIBLE = /\.(js|css|html|svg|webmanifest|json)$/;

function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'cdtg-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
      for (const file of walk(outDir).filter((f) => COMPRESSIBLE.test(f) && statSync(f).size > 512)) {
        const body = readFileSync(file);
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
        );
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: 'public',
  plugins: [serviceWorker(), precompress()],
  // Preact's React compatibility layer instead of react-dom (about 60 KiB less in brotli on a phone's first visit; the
  // code is written against React's API and type-checked with React's types).
  resolve: {
    alias: [
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react-dom$/, replacement: 'preact/compat' },
      { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
      { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
      { find: /^react$/, replacement: 'preact/compat' },
    ],
  },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: { proxy: { '/graphql': 'http://127.0.0.1:3000', '/exports': 'http://127.0.0.1:3000' } },
});
