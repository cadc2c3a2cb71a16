// keytar in a child process, one call each: what the store turns to once the Secret Service
// daemon this process was talking to has gone (gnome-keyring restarted, or crashed and was
// started again). libsecret keeps its first connection and session for the life of a process,
// addressed to the old daemon's unique bus name, so every later call here fails; a new process
// connects to the daemon running now. The secret travels over the child's stdin and stdout only.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import type { KeytarLike } from './store'

/** libsecret's words for a cached connection or session whose daemon is gone. */
export const STALE_SECRET_SERVICE =
  /name :\d+\.\d+ was not provided by any \.service files|session wrapping the secret does not exist/i

// CommonJS (`-e` code is), so `require` loads keytar from the path the parent resolved.
const SCRIPT = `
let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (d) => (input += d))
process.stdin.on('end', async () => {
  const { module, op, service, account, password } = JSON.parse(input)
  try {
    const keytar = require(module)
    const value =
      op === 'get' ? await keytar.getPassword(service, account)
      : op === 'set' ? await keytar.setPassword(service, account, password)
      : await keytar.deletePassword(service, account)
    process.stdout.write(JSON.stringify({ value: value === undefined ? null : value }))
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: String((err && err.message) || err) }))
  }
})
`

type Op =
  | { op: 'get' | 'delete'; service: string; account: string }
  | { op: 'set'; service: string; account: string; password: string }

/** A keytar whose every call runs in a new process, killed at `timeoutMs`. */
export function childKeytar(timeoutMs: number): KeytarLike {
  const module = createRequire(import.meta.url).resolve('keytar')
  const run = (request: Op): Promise<unknown> =>
    new Promise((resolve, reject) => {
      // In Electron, process.execPath is the app itself: this makes it a plain Node for the child.
      const child = spawn(process.execPath, ['-e', SCRIPT], {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['pipe', 'pipe', 'pipe']
      })
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      timer.unref()
      let out = ''
      let err = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-500)))
      child.once('error', reject)
      child.once('close', (code, signal) => {
        clearTimeout(timer)
        let answer: { value?: unknown; error?: string } | undefined
        try {
          answer = JSON.parse(out) as typeof answer
        } catch {
          return reject(new Error(`the keychain helper process ended ${signal ?? code} without an answer: ${err}`))
        }
        if (answer?.error !== undefined) reject(new Error(answer.error))
        else resolve(answer?.value ?? null)
      })
      child.stdin.end(JSON.stringify({ module, ...request }))
    })
  return {
    getPassword: async (service, account) => (await run({ op: 'get', service, account })) as string | null,
    setPassword: async (service, account, password) => {
      await run({ op: 'set', service, account, password })
    },
    deletePassword: async (service, account) => (await run({ op: 'delete', service, account })) === true
  }
}
