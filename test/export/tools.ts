// Running the real parsers and clients on exported files.
import { execFile } from 'node:child_process'
import { chmod, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Account, ExportFile, ExportFormatId } from '../../src/shared/account'
import { exportAccount, type ExportOptions } from '../../src/main/export'

export const OPTS: ExportOptions = {
  keychainService: 'Mail Setup',
  platform: 'linux',
  // As the packaged app names itself (self-command.ts): an absolute path with a space in it.
  selfCommand: ['/opt/Mail Setup/mail-setup', '--cli']
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a program (no shell); a non-zero exit is a result, not an exception. */
export function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: 30_000, maxBuffer: 4_000_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0
        if (err && code === -1 && !stdout && !stderr) return reject(err)
        resolve({ code, stdout: String(stdout), stderr: String(stderr) })
      }
    )
    // Always close stdin: some tools (msmtp) wait for a message on it.
    child.stdin?.on('error', () => undefined) // a tool that never reads stdin closes it early
    child.stdin?.end(options.input ?? '')
  })
}

/** Debian's python3 (with GLib bindings and python3-markdown), not a pyenv shim. */
export const PYTHON = '/usr/bin/python3'

export async function python(script: string, args: string[] = [], input?: string): Promise<RunResult> {
  return run(PYTHON, ['-c', script, ...args], { input })
}

export async function tempDir(prefix = 'export-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export async function exportFile(
  account: Account,
  format: ExportFormatId,
  opts: ExportOptions = OPTS
): Promise<ExportFile> {
  return exportAccount(account, format, opts)
}

/** Writes an export to a fresh folder (mode 0600, as the app saves it) and returns its path. */
export async function saved(
  account: Account,
  format: ExportFormatId,
  opts: ExportOptions = OPTS
): Promise<{ path: string; dir: string; file: ExportFile }> {
  const file = await exportFile(account, format, opts)
  const dir = await tempDir()
  const path = join(dir, file.fileName)
  await writeFile(path, Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8'))
  await chmod(path, 0o600)
  return { path, dir, file }
}

export async function text(account: Account, format: ExportFormatId, opts: ExportOptions = OPTS): Promise<string> {
  const file = await exportFile(account, format, opts)
  if (file.encoding !== 'utf8') throw new Error(`${format} is not text`)
  return file.content
}
