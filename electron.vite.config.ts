import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'
import { contentSecurityPolicy } from './src/shared/csp'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // Every main-side program shares out/main: the app, the CLI (bin/entrain.js loads it) and
        // the trainer process.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/cli/index.ts'),
          trainer: resolve(__dirname, 'src/trainer/index.ts'),
          'inlet-worker': resolve(__dirname, 'src/main/lsl/inlet-worker.ts'),
          'recorder-worker': resolve(__dirname, 'src/main/recorder/recorder-worker.ts'),
          'audio-worker': resolve(__dirname, 'src/main/audio/engine-worker.ts'),
          'decode-worker': resolve(__dirname, 'src/main/audio/decode-worker.ts'),
        },
        // Shared chunks sit beside the entries so that __dirname is out/main in every file.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require anything but electron: bundle it into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: { output: { format: 'cjs', codeSplitting: false } },
    },
  },
  renderer: {
    plugins: [
      vue(),
      {
        name: 'entrain-csp',
        transformIndexHtml: (html) => html.replace('%ENTRAIN_CSP%', contentSecurityPolicy),
      },
    ],
  },
})
