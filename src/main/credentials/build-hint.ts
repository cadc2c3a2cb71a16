// What to install, and which command then builds keytar, when its native module does not load.
// keytar is an optional dependency: npm leaves it out when its build fails (no libsecret
// headers, no compiler), and the app runs without a keychain. These are facts about this
// machine (package names, commands), passed as diagnosis params; the words are in the locales.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, join } from 'node:path'

export interface KeytarFix {
  /** The packages to install, in the platform's own names. */
  install: string
  /** The command that builds keytar afterwards, run in the app's folder. */
  build: string
}

/** Debian and Ubuntu names of node-gyp's tools, added when missing from PATH. */
const DEBIAN_TOOLS: Array<[binary: string, pkg: string]> = [
  ['g++', 'g++'],
  ['make', 'make'],
  ['python3', 'python3'],
  ['pkg-config', 'pkg-config']
]

function onPath(binary: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, binary)))
}

/** ID and ID_LIKE of /etc/os-release, lower case. */
function distroIds(osRelease: string): string[] {
  const ids: string[] = []
  for (const line of osRelease.split('\n')) {
    const m = /^(ID|ID_LIKE)=["']?([^"'\n]*)/.exec(line)
    if (m) ids.push(...m[2]!.toLowerCase().split(/\s+/).filter(Boolean))
  }
  return ids
}

function linuxPackages(osRelease: string, env: NodeJS.ProcessEnv): string {
  const ids = distroIds(osRelease)
  if (ids.some((id) => id === 'debian' || id === 'ubuntu')) {
    return ['libsecret-1-dev', ...DEBIAN_TOOLS.filter(([bin]) => !onPath(bin, env)).map(([, pkg]) => pkg)].join(' ')
  }
  if (ids.some((id) => ['fedora', 'rhel', 'centos', 'suse', 'opensuse'].includes(id))) return 'libsecret-devel'
  if (ids.includes('arch')) return 'libsecret'
  if (ids.includes('alpine')) return 'libsecret-dev'
  return 'libsecret-1-dev / libsecret-devel'
}

function readOsRelease(): string {
  try {
    return readFileSync('/etc/os-release', 'utf8')
  } catch {
    return ''
  }
}

/** Whether keytar's package is installed (then it only needs building again). */
function keytarInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('keytar/package.json')
    return true
  } catch {
    return false
  }
}

export function keytarFix(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  osRelease: string = platform === 'linux' ? readOsRelease() : '',
  installed: boolean = keytarInstalled()
): KeytarFix {
  const install =
    platform === 'darwin'
      ? 'Xcode Command Line Tools (xcode-select --install)'
      : platform === 'win32'
        ? 'Visual Studio Build Tools (C++)'
        : linuxPackages(osRelease, env)
  // npm removes an optional package whose build failed, so there is nothing to rebuild:
  // `npm install` puts it back from the lockfile and builds it.
  return { install, build: installed ? 'npm rebuild keytar' : 'npm install' }
}
