// The one way tests start the CLI: a real process, as a user runs it, with its exit code, signal
// and output. Through tsx by default; `bundled` runs it as one file, as the build ships it;
// cliInProcess runs the same command inside the test's process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { renameSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'

export const ROOT = new URL('../../', import.meta.url).pathname

export interface CliRun {
  code: number
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  env: NodeJS.ProcessEnv
  /** Written to stdin, which is then closed (default: nothing). */
  stdin?: string
  cwd?: string
  /** The bundled CLI (see bundledCli): for tests that start many processes at once. */
  bundled?: boolean
  /** Sees the process once it started: to read its output as it comes, or to signal it. */
  onStart?(child: ChildProcessWithoutNullStreams): void
}

/** Runs `mail-setup ARGS` as a process and waits for it to end. */
export async function cliProcess(args: string[], opts: CliOptions): Promise<CliRun> {
  const [entry, env] = opts.bundled
    ? [await bundledCli(), { ...opts.env, MAIL_SETUP_CLI_MAIN: '1' }]
    : [join(ROOT, 'src/main/cli/index.ts'), opts.env]
  const nodeArgs = opts.bundled ? [entry, ...args] : ['--import', 'tsx', entry, ...args]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { env, cwd: opts.cwd ?? ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }))
    child.stdin.end(opts.stdin ?? '')
    opts.onStart?.(child)
  })
}

/**
 * The same command inside this process (runCli with its output captured): for tests that run
 * many commands and need no process of their own (no exit code from the OS, no signals).
 */
export async function cliInProcess(args: string[], opts: Pick<CliOptions, 'env' | 'stdin'>): Promise<CliRun> {
  const { runCli } = await import('../../src/main/cli/index')
  let stdout = ''
  let stderr = ''
  const io = {
    stdout: (t: string) => void (stdout += t),
    stderr: (t: string) => void (stderr += t),
    stdin: Readable.from([opts.stdin ?? '']),
    env: opts.env
  }
  const code = await runCli(args, io)
  return { code, signal: null, stdout, stderr }
}

let bundled: Promise<string> | undefined

/**
 * The CLI bundled into one file (as `npm run build` bundles out/main/cli.js), for tests that
 * start many processes at once: loading one file costs a fraction of tsx compiling each module.
 * Built once per test worker in .bench-tmp/main (ignored by git and eslint), where resources/
 * and keytar resolve as they do from out/main. Call it in beforeAll to keep the build out of a
 * test's time.
 */
export function bundledCli(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import('esbuild')
    // Two folders below the root, like out/main/cli.js, so resources/ is found as in the app.
    const outfile = join(ROOT, '.bench-tmp', 'main', `cli-${process.pid}.mjs`)
    // Packages bundled too (keytar is native): resolving and loading hundreds of their files
    // is most of a process's start-up.
    const banner =
      "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
    await build({
      entryPoints: [join(ROOT, 'src/main/cli/index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['keytar', 'electron'],
      banner: { js: banner },
      logLevel: 'silent'
    })
    // One file, replaced whole: workers killed at the end of a run leave nothing else behind.
    const final = join(ROOT, '.bench-tmp', 'main', 'cli.mjs')
    renameSync(outfile, final)
    return final
  })()
  return bundled
}
