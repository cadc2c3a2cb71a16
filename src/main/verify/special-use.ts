// RFC 6154 special-use folders, asked for on the check's own signed-in IMAP session: one
// `LIST "" "*"` (servers with SPECIAL-USE, and XLIST-era ones, mark \Sent, \Drafts, … there).
// Names come from the server, so they are decoded once (modified UTF-7, RFC 3501 5.1.3) and
// only single-line names are kept; every exporter escapes them for its own format.
import type { SpecialFolders } from '../../shared/domain'
import type { LineSocket } from './lines'

const ROLES: Record<string, keyof SpecialFolders> = {
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

/** One `* LIST (attributes) delimiter name` line; undefined when it is not one we can read. */
export function parseListLine(line: string): { attributes: string[]; name: string } | undefined {
  const m = /^\*\s+(?:X?LIST)\s+\(([^)]*)\)\s+(?:"(?:[^"\\]|\\.)*"|NIL)\s+(.+)$/i.exec(line)
  if (!m) return undefined
  const raw = m[2]!.trim()
  // Quoted string or atom; a literal ({n}) would need the next line and is left out.
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(raw)
  const encoded = quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : /^[^\s"{(){%*]+$/.test(raw) ? raw : undefined
  if (encoded === undefined) return undefined
  const name = decodeMailboxName(encoded)
  return name === undefined ? undefined : { attributes: m[1]!.trim().split(/\s+/).filter(Boolean), name }
}

/** The first mailbox the server marks for each role. */
export function specialFolders(lines: string[]): SpecialFolders {
  const found: SpecialFolders = {}
  for (const line of lines) {
    const entry = parseListLine(line)
    if (!entry || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(entry.name) || entry.name.length > 300) continue
    for (const a of entry.attributes) {
      const role = ROLES[a.toLowerCase()]
      if (role && !found[role]) found[role] = entry.name
    }
  }
  return found
}

/** Lists the mailboxes on a signed-in session and returns the special-use ones. */
export async function listSpecialUse(
  io: LineSocket,
  tag: string,
  signal: AbortSignal
): Promise<SpecialFolders | undefined> {
  io.write(`${tag} LIST "" "*"`)
  const lines: string[] = []
  for (let i = 0; i < MAX_LINES; i++) {
    const line = await io.readLine(signal)
    if (line.startsWith(`${tag} `)) return /^OK\b/i.test(line.slice(tag.length + 1)) ? specialFolders(lines) : undefined
    lines.push(line)
  }
  return specialFolders(lines)
}
