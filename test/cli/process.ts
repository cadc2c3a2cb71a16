// The CLI as a user runs it: a real process (through tsx), its exit code, signal and output.
import { spawn } from 'node:child_process'
import { renameSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = new URL('../../', import.meta.url).pathname

export interface CliRun {
  code: number
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export function cliProcess(args: string[], opts: { env: NodeJS.ProcessEnv; stdin?: string; cwd?: string }): Promise<CliRun> {
  return run(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli/index.ts'), ...args], opts)
}

function run(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; stdin?: string; cwd?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd ?? ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }))
    child.stdin.end(opts.stdin ?? '')
  })
}

let bundled: Promise<string> | undefined

/**
 * The CLI bundled into one file (as `npm run build` bundles out/main/cli.js), for tests that
 * start many processes at once: loading one file costs a fraction of tsx compiling each module.
 * Built once per test worker in .bench-tmp/main (ignored by git and eslint), where resources/
 * and keytar resolve as they do from out/main.
 */
export function bundledCli(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import('esbuild')
    // Two folders below the root, like out/main/cli.js, so resources/ is found as in the app.
    const outfile = join(ROOT, '.bench-tmp', 'main', `cli-${process.pid}.mjs`)
    // Packages bundled too (keytar is native): resolving and loading hundreds of their files
    // is most of a process's start-up.
    const banner = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
    await build({ entryPoints: [join(ROOT, 'src/main/cli/index.ts')], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['keytar', 'electron'], banner: { js: banner }, logLevel: 'silent' })
    // One file, replaced whole: workers killed at the end of a run leave nothing else behind.
    const final = join(ROOT, '.bench-tmp', 'main', 'cli.mjs')
    renameSync(outfile, final)
    return final
  })()
  return bundled
}

/** Runs the bundled CLI (see bundledCli) as a process. */
export async function bundledCliProcess(args: string[], opts: { env: NodeJS.ProcessEnv; stdin?: string }): Promise<CliRun> {
  const file = await bundledCli()
  return run(process.execPath, [file, ...args], { ...opts, env: { ...opts.env, MAIL_SETUP_CLI_MAIN: '1' } })
}
