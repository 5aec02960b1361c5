import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: {
      // liblsl reads ~/lsl_api/lsl_api.cfg: a loopback-only configuration keeps test streams on this machine.
      HOME: path.resolve('test/fixtures/lsl-home'),
    },
  },
})
