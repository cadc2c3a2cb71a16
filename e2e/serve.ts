// For looking at the wizard by hand: `npx tsx e2e/serve.ts [rendererDir]` prints the URL.
import { resolve } from 'node:path'
import { startWorld } from './world'

const world = await startWorld(resolve(process.argv[2] ?? 'out/renderer'))
process.stdout.write(`${world.url}\nalice: ${world.bench.users.alice.address} ${world.bench.users.alice.password}\n`)
const stop = (): void => void world.stop().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
