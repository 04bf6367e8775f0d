import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Writes sw.js with the exact list of built files and a version derived from them (a new build replaces the cache). */
function serviceWorker(): Plugin {
  return {
    name: 'cdtg-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map'));
      const precache = ['/index.html', ...files.filter((f) => f !== 'index.html').map((f) => `/${f}`), '/icon.svg', '/manifest.webmanifest'];
      const version = createHash('sha256').update(files.sort().join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(`${here}service-worker.js`, 'utf8').replace('__VERSION__', version).replace('__PRECACHE__', JSON.stringify(precache));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: 'public',
  plugins: [serviceWorker()],
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: { proxy: { '/graphql': 'http://127.0.0.1:3000', '/exports': 'http://127.0.0.1:3000' } },
});
