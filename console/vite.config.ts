/**
 * The console's build (console.md "How it is built"): Vite, Preact through esbuild's automatic JSX
 * runtime (no Babel), output in console/dist, served by the platform at `/` (same origin, no CDN).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // The platform serves the built files; the dev server proxies the API to a running platform.
  server: { proxy: { '/api': process.env.CITYBRAIN_URL ?? 'http://127.0.0.1:8080' } },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
