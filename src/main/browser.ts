// Browser-mode entry: `npm start -- --browser`, or automatically when the Electron
// runtime cannot start. Serves the built wizard and the API on 127.0.0.1 and prints the URL.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from './config'
import { createServices } from './services'
import { startBrowserServer } from './doors/http'
import { APP_VERSION } from './version'

async function main(): Promise<void> {
  const here = fileURLToPath(new URL('.', import.meta.url))
  const rendererDir = process.env.MAIL_SETUP_RENDERER_DIR ?? join(here, '..', 'renderer')
  const portArg = process.argv.find((a) => a.startsWith('--port='))
  const server = await startBrowserServer({
    services: createServices(loadConfig()),
    rendererDir,
    version: APP_VERSION,
    port: portArg ? Number(portArg.slice('--port='.length)) : undefined
  })
  process.stdout.write(
    `Mail Setup is running at ${server.url}\nOpen that address in your browser. Press Ctrl+C to stop.\n`
  )
  const stop = (): void => {
    void server.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

void main().catch((err: unknown) => {
  process.stderr.write(`Mail Setup could not start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
