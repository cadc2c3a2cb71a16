// RFC 6154 special-use folders, asked for on the check's own signed-in IMAP session: one
// `LIST "" "*"` (servers with SPECIAL-USE, and XLIST-era ones, mark \Sent, \Drafts, … there).
// Names come from the server, so they are decoded once (modified UTF-7, RFC 3501 5.1.3) and
// only single-line names are kept; every exporter escapes them for its own format. The
// hierarchy separator of those names is kept beside them, so exports can write the path
// ("INBOX.Sent" on a "." server is Sent under INBOX) in their client's own syntax.
import type { SpecialFolders } from '../../shared/domain'
import type { LineSocket } from './lines'

type Role = Exclude<keyof SpecialFolders, 'separator'>

const ROLES: Record<string, Role> = {
  '\\sent': 'sent',
  '\\drafts': 'drafts',
  '\\trash': 'trash',
  '\\junk': 'junk',
  '\\archive': 'archive'
}

/** At most this many LIST lines are read; the session ends right after, so stopping is safe. */
const MAX_LINES = 5000

/** Modified UTF-7 (RFC 3501 5.1.3) to text; undefined when it is not valid. */
export function decodeMailboxName(name: string): string | undefined {
  let out = ''
  for (let i = 0; i < name.length;) {
    const ch = name[i]!
    if (ch !== '&') {
      out += ch
      i++
      continue
    }
    const end = name.indexOf('-', i)
    if (end < 0) return undefined
    const chunk = name.slice(i + 1, end)
    if (chunk === '') out += '&'
    else {
      if (!/^[A-Za-z0-9+,]+$/.test(chunk)) return undefined
      const bytes = Buffer.from(chunk.replace(/,/g, '/'), 'base64')
      if (bytes.length % 2) return undefined
      out += bytes.swap16().toString('utf16le')
    }
    i = end + 1
  }
  return out
}

export interface ListEntry {
  attributes: string[]
  name: string
  /** The hierarchy delimiter; undefined for NIL (a flat name) or one no client could use. */
  separator?: string
}

/** One `* LIST (attributes) delimiter name` line; undefined when it is not one we can read. */
export function parseListLine(line: string): ListEntry | undefined {
  const m = /^\*\s+(?:X?LIST)\s+\(([^)]*)\)\s+("(?:[^"\\]|\\.)*"|NIL)\s+(.+)$/i.exec(line)
  if (!m) return undefined
  const delimiter = /^"(.*)"$/.exec(m[2]!)?.[1]?.replace(/\\(.)/g, '$1')
  // One visible ASCII character (RFC 3501 QUOTED-CHAR); anything else is treated as flat.
  const separator = delimiter && /^[\x21-\x7e]$/.test(delimiter) ? delimiter : undefined
  const raw = m[3]!.trim()
  // Quoted string or atom; a literal ({n}) would need the next line and is left out.
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(raw)
  const encoded = quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : /^[^\s"{(){%*]+$/.test(raw) ? raw : undefined
  if (encoded === undefined) return undefined
  const name = decodeMailboxName(encoded)
  if (name === undefined) return undefined
  return { attributes: m[1]!.trim().split(/\s+/).filter(Boolean), name, ...(separator ? { separator } : {}) }
}

/**
 * The first mailbox the server marks for each role, and the separator of the first one kept (a
 * server has one per namespace; the special-use folders live in the personal one).
 */
export function specialFolders(lines: string[]): SpecialFolders {
  const found: SpecialFolders = {}
  let separator: string | undefined
  let first = true
  for (const line of lines) {
    const entry = parseListLine(line)
    if (!entry || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(entry.name) || entry.name.length > 300) continue
    for (const a of entry.attributes) {
      const role = ROLES[a.toLowerCase()]
      if (!role || found[role]) continue
      found[role] = entry.name
      if (first) separator = entry.separator
      first = false
    }
  }
  return separator ? { ...found, separator } : found
}

/** The command that lists every mailbox (no extension needed: servers mark special use there). */
export const LIST_ALL = 'LIST "" "*"'

/**
 * Reads the answer to `tag LIST "" "*"` (sent by the caller, possibly before the sign-in's own
 * answer): the tagged reply's text without its tag ('' when the list was cut at MAX_LINES) and,
 * when it is OK, the special-use folders.
 */
export async function readSpecialUse(
  io: LineSocket,
  tag: string,
  signal: AbortSignal
): Promise<{ done: string; folders?: SpecialFolders }> {
  const lines: string[] = []
  for (let i = 0; i < MAX_LINES; i++) {
    const line = await io.readLine(signal)
    if (!line.startsWith(`${tag} `)) {
      lines.push(line)
      continue
    }
    const done = line.slice(tag.length + 1)
    return /^OK\b/i.test(done) ? { done, folders: specialFolders(lines) } : { done }
  }
  return { done: '', folders: specialFolders(lines) }
}
