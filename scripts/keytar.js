// keytar (the keychain module) is an optional dependency: `npm install` goes on without it
// when its native build fails (no libsecret headers, no compiler). The tests must exercise the
// real keychain, so `npm test` makes sure it loads: as root it installs the build's Debian
// packages and builds it; otherwise it says what is missing.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** What keytar's build needs on Debian (node-gyp: a compiler, make, python3; libsecret via pkg-config). */
export const KEYTAR_BUILD_PACKAGES = ['libsecret-1-dev', 'g++', 'make', 'python3', 'pkg-config']

/** Why keytar does not load in `root`, or undefined when it does. */
export function keytarProblem(root) {
  const r = spawnSync(process.execPath, ['-e', "require('keytar')"], { cwd: root, encoding: 'utf8' })
  if (r.status === 0) return undefined
  const line = (r.stderr ?? '').split('\n').find((l) => /Error/.test(l)) ?? `exit ${r.status}`
  return line.trim().slice(0, 300)
}

/**
 * npm removes an optional package whose install script failed, so a keytar that never built is
 * not there to rebuild: `npm install` puts it back (following the lockfile, without rewriting
 * it) and builds it. One that is there but does not load (built for another Node) is rebuilt.
 */
export function keytarBuildCommand(root) {
  return existsSync(join(root, 'node_modules', 'keytar', 'package.json'))
    ? ['npm', ['rebuild', 'keytar']]
    : ['npm', ['install', '--no-save', '--no-audit', '--no-fund']]
}

/**
 * Makes keytar load. `installPackages(list)` installs Debian packages (root only);
 * `missingPackages(list)` names those not installed. Returns undefined on success, or the
 * words to print when it cannot.
 */
export function ensureKeytar(root, { isRoot, installPackages, missingPackages }) {
  const problem = keytarProblem(root)
  if (!problem) return undefined
  const [cmd, args] = keytarBuildCommand(root)
  const missing = missingPackages(KEYTAR_BUILD_PACKAGES)
  const how = `${missing.length ? `install ${missing.join(' ')} (as root), then ` : ''}run \`${cmd} ${args.join(' ')}\` here`
  if (!isRoot) return `keytar (the keychain module) does not load (${problem}): ${how}`
  installPackages(KEYTAR_BUILD_PACKAGES)
  console.log(`Building keytar: ${cmd} ${args.join(' ')}`)
  const env = {
    ...process.env,
    // node-gyp takes Node's headers from the system (where they are) instead of downloading them.
    ...(!process.env.npm_config_nodedir && existsSync('/usr/include/node/node.h')
      ? { npm_config_nodedir: '/usr' }
      : {}),
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1'
  }
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env })
  const after = keytarProblem(root)
  if (r.status === 0 && !after) return undefined
  return `keytar could not be built (${after ?? `${cmd} exited ${r.status}`}): ${how}`
}
