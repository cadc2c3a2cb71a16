import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/world/global-setup.ts'],
    // Bench servers bind fixed loopback addresses and ports; one file at a time keeps
    // tests that start their own fake servers from racing each other.
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 30_000
  }
})
