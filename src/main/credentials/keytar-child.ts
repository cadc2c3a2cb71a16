// keytar in a child process, one call each: what the store turns to once the Secret Service
// daemon this process was talking to has gone (gnome-keyring restarted, or crashed and was
// started again). libsecret keeps its first connection and session for the life of a process,
// addressed to the old daemon's unique bus name, so every later call here fails; a new process
// connects to the daemon running now.
//
// The child is this app's own command line (self-command.ts) with an internal first argument:
// under Node the clone's bin/mail-setup.js, inside the app's binary that binary with --cli (the
// packaged app has run-as-node off, so `-e` code could not run there). The request, with the
// secret, travels over the child's stdin and the answer over its stdout; nothing on argv or env.
import { spawn } from 'node:child_process'
import type { KeytarLike } from './store'

/** The CLI's internal first argument for one keychain call (never in its usage text). */
export const KEYTAR_CALL = '__keytar-call'

/** libsecret's words for a cached connection or session whose daemon is gone. */
export const STALE_SECRET_SERVICE =
  /name :\d+\.\d+ was not provided by any \.service files|session wrapping the secret does not exist/i

type Request =
  | { op: 'get' | 'delete'; service: string; account: string }
  | { op: 'set'; service: string; account: string; password: string }

type Answer = { value: string | boolean | null } | { error: string }

/** A keytar whose every call runs `command` + KEYTAR_CALL in a new process, killed at `timeoutMs`. */
export function childKeytar(command: readonly string[], timeoutMs: number): KeytarLike {
  const run = (request: Request): Promise<string | boolean | null> =>
    new Promise((resolve, reject) => {
      const child = spawn(command[0]!, [...command.slice(1), KEYTAR_CALL], {
        // A password the parent was given in its environment is not the child's business.
        env: withoutPasswords(process.env),
        stdio: ['pipe', 'pipe', 'pipe']
      })
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        // A process it started could hold the pipes open: stop listening to them either way.
        child.stdout.destroy()
        child.stderr.destroy()
      }, timeoutMs)
      timer.unref()
      let out = ''
      let err = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-500)))
      // A child that ends before reading its request: its close below says so.
      child.stdin.on('error', () => undefined)
      child.once('error', reject)
      child.once('close', (code, signal) => {
        clearTimeout(timer)
        let answer: Answer
        try {
          answer = JSON.parse(out) as Answer
        } catch {
          return reject(new Error(`the keychain helper process ended ${signal ?? code} without an answer: ${err}`))
        }
        if ('error' in answer) reject(new Error(answer.error))
        else resolve(answer.value)
      })
      child.stdin.end(JSON.stringify(request))
    })
  return {
    getPassword: async (service, account) => {
      const value = await run({ op: 'get', service, account })
      return typeof value === 'string' ? value : null
    },
    setPassword: async (service, account, password) => {
      await run({ op: 'set', service, account, password })
    },
    deletePassword: async (service, account) => (await run({ op: 'delete', service, account })) === true
  }
}

function withoutPasswords(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env }
  delete rest.MAIL_SETUP_PASSWORD
  return rest
}

/** The child's side: one request (JSON) in, one answer (JSON) out, from this process's fresh keytar. */
export async function serveKeytarCall(input: string, keytar: () => Promise<KeytarLike>): Promise<string> {
  let answer: Answer
  try {
    const req = JSON.parse(input) as Request
    const k = await keytar()
    if (req.op === 'get') answer = { value: await k.getPassword(req.service, req.account) }
    else if (req.op === 'set') {
      await k.setPassword(req.service, req.account, req.password)
      answer = { value: null }
    } else if (req.op === 'delete') answer = { value: await k.deletePassword(req.service, req.account) }
    else answer = { error: 'unknown keychain call' }
  } catch (err) {
    answer = { error: err instanceof Error ? err.message : String(err) }
  }
  return JSON.stringify(answer)
}
