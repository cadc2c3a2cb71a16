// Autoconfig folders indexed by every domain their files name. An ISPDB file lists many
// domains (att.net.xml also serves sbcglobal.net, bellsouth.net, …), so looking only for
// `<domain>.xml` misses most of them. A folder is listed once per discovery run; a file is
// read for its <domain> elements only when it is new or changed since the last run, so the
// index costs a directory listing and a stat per file after the first run.
import { readFileSync, readdirSync, statSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { toAsciiDomain } from '../../shared/address'
import { MAX_CONFIG_BYTES } from './fetch'
import { SHIPPED_INDEXES } from './shipped-index'

/** Domain (ASCII, lower case) → the files of the folder that name it, in file-name order. */
export type FolderIndex = ReadonlyMap<string, readonly string[]>

interface FileEntry {
  mtimeMs: number
  size: number
  domains: string[]
}

const files = new Map<string, FileEntry>()
/** The last index of each folder and the listing (names, times, sizes) it was made from. */
const folders = new Map<string, { listing: string; index: FolderIndex }>()

/** A file's own name, then every <domain> element outside comments; the full read comes later. */
function domainsOf(name: string, text: string): string[] {
  const named = [name.slice(0, -'.xml'.length)]
  const body = text.replace(/<!--[\s\S]*?-->/g, '')
  for (const m of body.matchAll(/<domain>\s*([^<\s]+)\s*<\/domain>/gi)) named.push(m[1]!)
  const out = new Set<string>()
  for (const d of named) {
    const ascii = asciiOrUndefined(d)
    if (ascii) out.add(ascii)
  }
  return [...out]
}

function asciiOrUndefined(domain: string): string | undefined {
  const ascii = toAsciiDomain(domain.toLowerCase())
  return ascii && /^[a-z0-9.-]+$/.test(ascii) && !ascii.includes('..') ? ascii : undefined
}

/**
 * The index of one folder; a missing or unreadable folder has an empty one. Synchronous
 * listing and stats on purpose: for 163 files they take about a millisecond, where the same
 * calls through the thread pool took ~20 ms on a loaded machine.
 */
export async function indexFolder(dir: string): Promise<FolderIndex> {
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((n) => n.toLowerCase().endsWith('.xml'))
      .sort()
  } catch {
    return new Map()
  }
  // The folder joined once (join normalises the whole path at every call; a file name adds nothing to normalise).
  const prefix = join(dir, 'x').slice(0, -1)
  const paths = names.map((n) => prefix + n)
  const stats = paths.map((p) => statSync(p, { throwIfNoEntry: false }))
  const listing = names
    .map((n, i) => (stats[i]?.isFile() ? `${n}/${stats[i].mtimeMs}/${stats[i].size}` : ''))
    .join('\n')
  const last = folders.get(dir)
  if (last?.listing === listing) return last.index
  // A folder the build indexed (the shipped ones), unchanged since: same names, same sizes.
  const built = SHIPPED_INDEXES.get(sizeListing(names, stats))
  if (built) {
    const index = new Map(Object.entries(built).map(([domain, list]) => [domain, list.map((n) => prefix + n)]))
    folders.set(dir, { listing, index })
    return index
  }
  const entries = await Promise.all(
    names.map((n, i) => (stats[i]?.isFile() ? entryOf(paths[i]!, n, stats[i]) : undefined))
  )
  const index = new Map<string, string[]>()
  for (let i = 0; i < names.length; i++) {
    for (const domain of entries[i]?.domains ?? []) {
      const list = index.get(domain)
      if (list) list.push(paths[i]!)
      else index.set(domain, [paths[i]!])
    }
  }
  folders.set(dir, { listing, index })
  return index
}

function sizeListing(names: string[], stats: Array<Stats | undefined>): string {
  return names.map((n, i) => (stats[i]?.isFile() ? `${n}/${stats[i].size}` : '')).join('\n')
}

/** For the build: a folder's listing key and its index by file name (see shipped-index.ts). */
export function indexForBuild(dir: string): [string, Record<string, string[]>] {
  const names = readdirSync(dir)
    .filter((n) => n.toLowerCase().endsWith('.xml'))
    .sort()
  const stats = names.map((n) => statSync(join(dir, n), { throwIfNoEntry: false }))
  const index: Record<string, string[]> = {}
  names.forEach((n, i) => {
    if (!stats[i]?.isFile()) return
    const text = stats[i].size > MAX_CONFIG_BYTES ? '' : readFileSync(join(dir, n), 'utf8')
    for (const d of domainsOf(n, text)) (index[d] ??= []).push(n)
  })
  return [sizeListing(names, stats), index]
}

async function entryOf(path: string, name: string, info: Stats): Promise<FileEntry | undefined> {
  const known = files.get(path)
  if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known
  try {
    // A file too large to read is still listed under its own name, so the lookup reports it.
    // Synchronous like the listing: the local sources answer before the network ones start.
    const text = info.size > MAX_CONFIG_BYTES ? '' : readFileSync(path, 'utf8')
    const entry = { mtimeMs: info.mtimeMs, size: info.size, domains: domainsOf(name, text) }
    files.set(path, entry)
    return entry
  } catch {
    files.delete(path)
    return undefined
  }
}

/** Indexes each folder once for the caller (one discovery run) and answers lookups from that. */
export function folderLookup(dirs: readonly string[]): (domain: string) => Promise<string[]> {
  const indexes = new Map<string, Promise<FolderIndex>>()
  return async (domain) => {
    const out: string[] = []
    for (const dir of dirs) {
      let index = indexes.get(dir)
      if (!index) indexes.set(dir, (index = indexFolder(dir)))
      out.push(...((await index).get(domain) ?? []))
    }
    return out
  }
}
