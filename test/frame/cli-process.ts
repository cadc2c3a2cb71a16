// The CLI as a user runs it: a real process (through tsx), its exit code, signal and output.
import { spawn } from 'node:child_process'
import { join } from 'node:path'

export const ROOT = new URL('../../', import.meta.url).pathname

export interface CliRun {
  code: number
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export function cliProcess(args: string[], opts: { env: NodeJS.ProcessEnv; stdin?: string; cwd?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli/index.ts'), ...args], { env: opts.env, cwd: opts.cwd ?? ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }))
    child.stdin.end(opts.stdin ?? '')
  })
}
