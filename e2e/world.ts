// The e2e world: the test world (test/world/compose.ts) on this worker's own bench (real
// Dovecot, SMTP sink, DNS, CA, keyring), with the browser-mode server of the app built from the
// bench's environment. Specs add hosts to it as the vitest tests do (test/fakes, test/world).
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { loadConfig } from '../src/main/config'
import { createServices } from '../src/main/services'
import { startBrowserServer } from '../src/main/doors/http'
import { startBench, type Bench } from '../test/world/index'
import { startWorld as startTestWorld, type World as TestWorld } from '../test/world/compose'

export interface World extends TestWorld {
  bench: Bench
  /** The wizard's address, token included. */
  url: string
  /**
   * Stops the app (its services and browser-mode server) and starts it again on the same
   * settings and user-data folder, as quitting and opening the app does; returns the new address.
   */
  restart(): Promise<string>
}

/** More parts in the world before the app starts (they stop with it); returns the env they need. */
export type Extra = (world: TestWorld, bench: Bench) => Promise<Record<string, string>>

export async function startWorld(
  rendererDir: string,
  extraEnv: Record<string, string> = {},
  extra?: Extra
): Promise<World> {
  const bench = await startBench()
  const world = await startTestWorld(bench).catch(async (err: unknown) => {
    await bench.stop()
    throw err
  })
  // The bench stops after everything the world added on it.
  world.onStop(() => bench.stop())
  try {
    const moreEnv = await extra?.(world, bench)
    // No internet here: the online ISPDB is pointed at nothing so it fails at once.
    // The mail programs the wizard looks for live in an empty home of their own unless a spec gives one.
    const clientsHome = join(bench.dir, 'clients-home')
    await mkdir(clientsHome, { recursive: true })
    const env = {
      ...process.env,
      MAIL_SETUP_ISPDB_URL: 'http://127.0.0.1:9/',
      MAIL_SETUP_DEADLINE_MS: '4000',
      MAIL_SETUP_CLIENTS_HOME: clientsHome,
      ...bench.env,
      ...extraEnv,
      ...moreEnv
    }
    const start = () => startBrowserServer({ services: createServices(loadConfig(env)), rendererDir, version: 'e2e' })
    let server = await start()
    world.onStop(() => server.close())
    const restart = async (): Promise<string> => {
      await server.close()
      server = await start()
      return (started.url = server.url)
    }
    const started = Object.assign(world, { bench, url: server.url, restart })
    return started
  } catch (err) {
    await world.stop()
    throw err
  }
}
