// Which mail programs this computer has, so the wizard can recommend the right export first:
// Thunderbird (its profiles, from profiles.ini), Evolution, Outlook on Windows, Apple Mail on
// macOS. Only folders and files are looked at; nothing is started. The user's home folder
// comes from the config (tests point it at a throwaway one).
import { access, lstat, readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { DetectedClient, ThunderbirdProfile } from '../../shared/clients'

export interface DetectOptions {
  home: string
  platform: NodeJS.Platform
  env: Record<string, string | undefined>
}

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false
  )

/** Folders that hold Thunderbird's profiles.ini, per platform (distribution package, snap, flatpak). */
export function thunderbirdRoots(o: DetectOptions): string[] {
  if (o.platform === 'win32') return [join(o.env.APPDATA ?? join(o.home, 'AppData', 'Roaming'), 'Thunderbird')]
  if (o.platform === 'darwin') return [join(o.home, 'Library', 'Thunderbird')]
  return [
    join(o.home, '.thunderbird'),
    join(o.home, 'snap', 'thunderbird', 'common', '.thunderbird'),
    join(o.home, '.var', 'app', 'org.mozilla.Thunderbird', '.thunderbird')
  ]
}

/** profiles.ini as groups of keys; its format is the simple INI Mozilla writes. */
function readIni(text: string): Array<{ name: string; keys: Record<string, string> }> {
  const groups: Array<{ name: string; keys: Record<string, string> }> = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    const group = /^\[(.+)\]$/.exec(line)
    if (group) groups.push({ name: group[1]!, keys: {} })
    else if (groups.length && line.includes('=') && !line.startsWith(';')) {
      const at = line.indexOf('=')
      groups[groups.length - 1]!.keys[line.slice(0, at).trim()] = line.slice(at + 1).trim()
    }
  }
  return groups
}

/** A profile is in use while Thunderbird runs: its lock (a symlink on Linux, a file elsewhere) exists. */
export async function profileInUse(path: string, platform: NodeJS.Platform): Promise<boolean> {
  const lock = platform === 'win32' ? 'parent.lock' : platform === 'darwin' ? '.parentlock' : 'lock'
  return lstat(join(path, lock)).then(
    () => true,
    () => false
  )
}

export async function thunderbirdProfiles(o: DetectOptions): Promise<ThunderbirdProfile[]> {
  const out: ThunderbirdProfile[] = []
  for (const root of thunderbirdRoots(o)) {
    const text = await readFile(join(root, 'profiles.ini'), 'utf8').catch(() => '')
    if (!text || text.length > 256 * 1024) continue
    const groups = readIni(text)
    // Thunderbird 68+ marks the default per installation; older files mark the profile.
    const installDefault = groups.find((g) => g.name.startsWith('Install') && g.keys.Default)?.keys.Default
    for (const g of groups) {
      if (!/^Profile\d+$/.test(g.name) || !g.keys.Path) continue
      const relative = g.keys.IsRelative !== '0'
      const path = relative ? join(root, g.keys.Path) : g.keys.Path
      if (!isAbsolute(path) || !(await exists(path))) continue
      out.push({
        name: g.keys.Name ?? g.keys.Path,
        path,
        isDefault: installDefault ? installDefault === g.keys.Path : g.keys.Default === '1',
        inUse: await profileInUse(path, o.platform)
      })
    }
  }
  return out.sort((a, b) => Number(b.isDefault) - Number(a.isDefault))
}

export function evolutionSourcesDir(o: DetectOptions): string {
  return join(o.env.XDG_CONFIG_HOME || join(o.home, '.config'), 'evolution', 'sources')
}

export async function detectClients(o: DetectOptions): Promise<DetectedClient[]> {
  const found: DetectedClient[] = []
  const profiles = await thunderbirdProfiles(o)
  if (profiles.length) found.push({ id: 'thunderbird', profiles })
  if (o.platform === 'linux' && (await exists(join(o.env.XDG_CONFIG_HOME || join(o.home, '.config'), 'evolution'))))
    found.push({ id: 'evolution', profiles: [] })
  if (o.platform === 'win32') {
    const local = o.env.LOCALAPPDATA ?? join(o.home, 'AppData', 'Local')
    if (await exists(join(local, 'Microsoft', 'Outlook'))) found.push({ id: 'outlook', profiles: [] })
  }
  if (
    o.platform === 'darwin' &&
    ((await exists('/System/Applications/Mail.app')) || (await exists('/Applications/Mail.app')))
  )
    found.push({ id: 'apple-mail', profiles: [] })
  return found
}
