import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const backend = 'http://127.0.0.1:8080';

// One browser app (任务中心 now; 运行监控 and the public pages later), served by pingpin from dist/web.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 4000,
  },
  server: {
    proxy: Object.fromEntries(['/v2', '/api', '/login', '/logout'].map((p) => [p, { target: backend, changeOrigin: false }])),
  },
});
