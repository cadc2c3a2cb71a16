// Readers that follow a client's own parsing rules, for formats whose client has no
// "check this file" mode on this machine (aerc 0.14, Claws Mail).

/**
 * go-ini's value rules as aerc 0.14 loads accounts.conf: a value in backticks or triple
 * quotes is taken verbatim up to the last closing quote; otherwise it is cut at the first
 * `#` or `;` and one pair of surrounding quotes is removed.
 */
export function readGoIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  let section = 'DEFAULT'
  for (const raw of text.split('\n')) {
    const line = raw.trimStart()
    if (!line || line.startsWith('#') || line.startsWith(';')) continue
    if (line.startsWith('[')) {
      section = line.slice(1, line.lastIndexOf(']'))
      out[section] ??= {}
      continue
    }
    const eq = line.indexOf('=')
    if (eq < 0) throw new Error(`go-ini: no "=" in ${JSON.stringify(line)}`)
    ;(out[section] ??= {})[line.slice(0, eq).trim()] = goIniValue(line.slice(eq + 1))
  }
  return out
}

function goIniValue(input: string): string {
  let line = input.trimStart()
  if (!line) return ''
  const quote = line.length > 3 && line.startsWith('"""') ? '"""' : line.startsWith('`') ? '`' : ''
  if (quote) {
    const rest = line.slice(quote.length)
    const end = rest.lastIndexOf(quote)
    if (end < 0) throw new Error('go-ini: unterminated quoted value (would read the next lines)')
    return rest.slice(0, end)
  }
  line = line.trim()
  if (line.endsWith('\\')) throw new Error('go-ini: continuation line')
  const comment = line.search(/[#;]/)
  if (comment >= 0) line = line.slice(0, comment).trim()
  for (const q of ['"', "'"]) {
    if (line.length >= 2 && line.startsWith(q) && line.endsWith(q) && line.indexOf(q, 1) === line.length - 1)
      return line.slice(1, -1)
  }
  return line
}

/** Claws Mail's prefs reader: `[Account: N]` sections, `key=value` to the end of the line. */
export function readClaws(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  let section = ''
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const head = /^\[(.+)\]$/.exec(line)
    if (head) {
      section = head[1]!
      out[section] = {}
      continue
    }
    const eq = line.indexOf('=')
    if (eq < 1 || !section) throw new Error(`claws: not a key=value line: ${JSON.stringify(line)}`)
    out[section]![line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

/** RFC 5322 quoted-string display name of `"name" <addr>`. */
export function mailboxName(mailbox: string): string {
  const m = /^"((?:[^"\\]|\\.)*)" <[^<>]+>$/.exec(mailbox)
  if (!m) throw new Error(`not a quoted mailbox: ${mailbox}`)
  return m[1]!.replace(/\\(.)/g, '$1')
}

/**
 * Outlook's PRF as a strict INI reader takes it (Python's configparser, case kept, no
 * interpolation, a duplicate key or section is an error); UTF-16LE with a BOM or ASCII, as
 * Windows reads it. Prints {section: {key: value}} in file order.
 */
export const PRF_READER = `
import sys, json, configparser
data = open(sys.argv[1], "rb").read()
text = data[2:].decode("utf-16-le") if data[:2] == b"\\xff\\xfe" else data.decode("ascii")
c = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",), comment_prefixes=(";",))
c.optionxform = str
c.read_string(text)
print(json.dumps({s: dict(c[s]) for s in c.sections()}))
`
