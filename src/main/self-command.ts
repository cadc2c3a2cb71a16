// The command that runs this Mail Setup's command line, as an exported file names it: mail clients
// run it (for `mail-setup token <address>`) from whatever folder and PATH they have, so it is
// always absolute and never depends on PATH (docs/formats.md, "The token command").
import { existsSync, realpathSync } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'
import type { Config } from './config'

export interface Runtime {
  /** process.execPath: node, or the app's own binary inside Electron. */
  execPath: string
  /** process.versions.electron: set when running inside the app's binary. */
  electron?: string
  /** Electron run on the app's folder (`electron .`, process.defaultApp) rather than packaged. */
  unpackaged?: boolean
}

const current = (): Runtime => ({
  execPath: process.execPath,
  electron: process.versions.electron,
  unpackaged: (process as { defaultApp?: boolean }).defaultApp === true
})

/**
 * The argv prefix that runs the CLI, in this order:
 * 1. `MAIL_SETUP_COMMAND` (config.command), when absolute: what a packager installs (a
 *    distribution's /usr/bin/mail-setup) or a wrapper of its own;
 * 2. inside the app's binary (Electron, packaged): that binary with `--cli` (entry-route.ts), the
 *    same thing packaging/cli/'s wrappers run; unpackaged (`electron .`), the binary, the app's
 *    folder and `--cli`;
 * 3. under Node (a clone or an npm install): this node binary and the app's `bin/mail-setup.js`,
 *    found beside resources/, so neither PATH nor the node version manager's shims matter.
 */
export function selfCommand(config: Pick<Config, 'command' | 'resourcesDir'>, rt: Runtime = current()): string[] {
  if (config.command && isAbsolute(config.command)) return [config.command]
  // Unpackaged, Electron takes the app's folder first (entry-route.ts reads the switch after it).
  if (rt.electron) return rt.unpackaged ? [rt.execPath, dirname(config.resourcesDir), '--cli'] : [rt.execPath, '--cli']
  const script = join(dirname(config.resourcesDir), 'bin', 'mail-setup.js')
  return [rt.execPath, existsSync(script) ? realpathSync(script) : script]
}
