// The CLI takes a password only from standard input or the environment, never from an
// argument (arguments are visible to every user through the process list).
import { registerSecret } from '../redact'

export async function readPassword(stdin: NodeJS.ReadableStream | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  let password: string | undefined
  if (stdin) {
    const chunks: Buffer[] = []
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer))
    password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
  } else {
    password = env.MAIL_SETUP_PASSWORD
  }
  if (password) registerSecret(password)
  return password || undefined
}
