// vitest globalSetup: one bench for the whole run; tests read it with inject('bench').
// Runs in the main vitest process, so tests cannot call its functions; they get plain data
// (BenchInfo) and start their own DNS servers (startDnsServer) when they need runtime changes.
import type { TestProject } from 'vitest/node'
import { startBench, type BenchInfo } from './index'

declare module 'vitest' {
  export interface ProvidedContext {
    bench: BenchInfo
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bench = await startBench()
  project.provide('bench', bench.info)
  return () => bench.stop()
}
