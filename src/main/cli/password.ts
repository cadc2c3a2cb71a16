// The CLI takes a password only from standard input or the environment, never from an
// argument (arguments are visible to every user through the process list).
import { registerSecret } from '../redact'
import { UsageError } from './args'

/** No password is this long; `--password-stdin < /dev/zero` must not fill the memory. */
export const MAX_PASSWORD_BYTES = 64 * 1024

export async function readPassword(
  stdin: NodeJS.ReadableStream | undefined,
  env: NodeJS.ProcessEnv
): Promise<string | undefined> {
  let password: string | undefined
  if (stdin) {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of stdin) {
      size += (chunk as Buffer).length
      if (size > MAX_PASSWORD_BYTES) {
        ;(stdin as NodeJS.ReadableStream & { destroy?(): void }).destroy?.()
        throw new UsageError(
          `standard input is longer than ${MAX_PASSWORD_BYTES / 1024} KB: give only the password to --password-stdin`
        )
      }
      chunks.push(Buffer.from(chunk as Buffer))
    }
    password = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '')
  } else {
    password = env.MAIL_SETUP_PASSWORD
  }
  if (password) registerSecret(password)
  return password || undefined
}
