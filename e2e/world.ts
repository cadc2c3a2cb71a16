// One test world: the bench (real Dovecot, SMTP sink, DNS, CA, keyring) and the browser-mode
// server of the app, with services built from the bench's environment.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { loadConfig } from '../src/main/config'
import { createServices } from '../src/main/services'
import { startBrowserServer } from '../src/main/doors/http'
import { startBench, type Bench } from '../test/world/index'

export interface World {
  bench: Bench
  /** The wizard's address, token included. */
  url: string
  stop(): Promise<void>
}

/** More servers beside the bench (started after it, stopped before it), with the env they need. */
export type Extra = (bench: Bench) => Promise<{ env: Record<string, string>; stop(): Promise<void> }>

export async function startWorld(rendererDir: string, extraEnv: Record<string, string> = {}, extra?: Extra): Promise<World> {
  const bench = await startBench()
  let more: Awaited<ReturnType<Extra>> | undefined
  try {
    more = await extra?.(bench)
    // No internet here: the online ISPDB is pointed at nothing so it fails at once.
    // The mail programs the wizard looks for live in an empty home of their own unless a spec gives one.
    const clientsHome = join(bench.dir, 'clients-home')
    await mkdir(clientsHome, { recursive: true })
    const env = { ...process.env, MAIL_SETUP_ISPDB_URL: 'http://127.0.0.1:9/', MAIL_SETUP_DEADLINE_MS: '4000', MAIL_SETUP_CLIENTS_HOME: clientsHome, ...bench.env, ...extraEnv, ...more?.env }
    const services = createServices(loadConfig(env))
    const server = await startBrowserServer({ services, rendererDir, version: 'e2e' })
    return {
      bench,
      url: server.url,
      async stop() {
        await server.close()
        await more?.stop()
        await bench.stop()
      }
    }
  } catch (err) {
    await more?.stop()
    await bench.stop()
    throw err
  }
}
