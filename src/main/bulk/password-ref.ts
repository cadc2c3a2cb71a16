// Resolves a password reference of the accounts list. env:NAME reads the environment,
// keychain:KEY the app's keychain service, cmd:COMMAND runs the command with the shell and
// takes the first line of its output (a password manager's CLI, e.g. `cmd:pass show mail/a`).
// The command comes from the admin's own file; it gets 10 s and 4 KiB of output.
import { execFile } from 'node:child_process'
import type { CredentialStore } from '../credentials/store'

export class RefError extends Error {}

const CMD_TIMEOUT_MS = 10_000
const CMD_MAX_BYTES = 4096

export async function resolvePasswordRef(
  ref: string,
  env: NodeJS.ProcessEnv,
  store: Pick<CredentialStore, 'get'>
): Promise<string> {
  const colon = ref.indexOf(':')
  const kind = colon > 0 ? ref.slice(0, colon) : ''
  const value = ref.slice(colon + 1)
  let password: string | null | undefined
  if (kind === 'env') password = env[value]
  else if (kind === 'keychain') password = await store.get(value)
  else if (kind === 'cmd') password = await runCommand(value)
  else throw new RefError('a password reference starts with env:, keychain: or cmd:')
  if (!password) throw new RefError(`${kind}:${kind === 'cmd' ? '…' : value} gave no password`)
  return password
}

function runCommand(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      '/bin/sh',
      ['-c', command],
      { timeout: CMD_TIMEOUT_MS, maxBuffer: CMD_MAX_BYTES, encoding: 'utf8' },
      (err, stdout) => {
        if (err) reject(new RefError(`the password command failed (${err.code ?? err.signal ?? 'error'})`))
        else resolve(stdout.split(/\r?\n/)[0] ?? '')
      }
    )
  })
}
