// What every exporter shares: the module shape, auth mapping, secret-by-reference commands,
// and the escaping helpers that are not specific to one format.
import { createHash } from 'node:crypto'
import { domainToASCII } from 'node:url'
import type { Account, ExportFormatInfo } from '../../shared/account'
import type { AuthMethod, ServerSettings, SpecialFolders } from '../../shared/domain'
import { fail } from '../errors'
import { entryFor, type SignInRole } from '../credentials/entries'

export interface ExportOptions {
  keychainService: string
  platform: NodeJS.Platform
  /** The command that runs this Mail Setup's CLI (self-command.ts), for `mail-setup token`. */
  selfCommand?: string[]
}

export interface Rendered {
  content: string
  encoding?: 'utf8' | 'base64'
}

export interface Exporter {
  info: ExportFormatInfo
  render(account: Account, opts: ExportOptions): Rendered | Promise<Rendered>
}

/** File name stem for an account: its address reduced to safe characters. */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
  return s.slice(0, 80) || 'account'
}

/** Display names are single-line everywhere: control characters become spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
}

export function displayName(account: Account): string {
  return oneLine(account.displayName)
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1)
}

/** The domain in ACE (punycode) form; falls back to the input when it is not a valid name. */
export function asciiDomain(domain: string): string {
  return domainToASCII(domain.toLowerCase()) || domain.toLowerCase()
}

/** The address with its domain in ACE form (the local part is left as it is). */
export function asciiAddress(address: string): string {
  const at = address.lastIndexOf('@')
  return at < 0 ? address : `${address.slice(0, at)}@${asciiDomain(address.slice(at + 1))}`
}

/** True when the text is all ASCII. */
export function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text)
}

/** A stable hex id derived from the account id and a label (same export, same ids). */
export function stableHex(account: Account, label: string, length = 40): string {
  return createHash('sha256').update(`${account.id}\0${label}`).digest('hex').slice(0, length)
}

/** RFC 4122-shaped UUID derived from the account id (stable across exports). */
export function stableUuid(account: Account, label: string): string {
  const h = stableHex(account, label, 32).split('')
  h[12] = '5'
  h[16] = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16)
  const s = h.join('').toUpperCase()
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
}

/**
 * The format's value for the server's authentication: OAuth2 for OAuth2 accounts, otherwise
 * the first method (in the server's order) the format can express.
 */
export function authFor<T>(
  account: Account,
  server: ServerSettings,
  table: Partial<Record<AuthMethod, T>>,
  format: string
): T {
  if (account.authKind === 'oauth2') {
    const v = table.oauth2
    if (v === undefined) return fail('unsupported', { detail: `${format} cannot express OAuth2 sign-in` })
    return v
  }
  for (const method of server.auth) {
    if (method === 'oauth2') continue
    const v = table[method]
    if (v !== undefined) return v
  }
  return fail('unsupported', {
    detail: `${format} cannot express ${server.protocol} authentication ${server.auth.join(', ')}`,
    params: { format, protocol: server.protocol }
  })
}

/** Whether the server signs in at all (false for 'none' and client-IP relaying). */
export function needsAuth(account: Account, server: ServerSettings): boolean {
  if (account.authKind === 'oauth2') return true
  const first = server.auth.find((m) => m !== 'oauth2')
  return first !== undefined && first !== 'none' && first !== 'client-ip'
}

/** The keychain entry a direction reads its secret from (credentials/entries.ts decides). */
export function keyFor(account: Account, role: SignInRole): string {
  return entryFor(account, role).key
}

/**
 * The command that prints a direction's secret from the keychain, or undefined when the account
 * was saved without one (`secretStored: false`): then no entry exists, and the file names none,
 * so the mail client asks for the password itself.
 */
export function storedSecretCommand(account: Account, role: SignInRole, opts: ExportOptions): string[] | undefined {
  return account.secretStored === false ? undefined : secretCommand(opts, keyFor(account, role))
}

/**
 * For an OAuth2 account: the command that prints a valid access token (`mail-setup token`,
 * which refreshes it from the sign-in the save path kept in the keychain).
 */
export function tokenCommand(account: Account, opts: ExportOptions): string[] {
  if (!opts.selfCommand) return fail('internal', { detail: 'no command to name for the OAuth token' })
  return [...opts.selfCommand, 'token', account.address]
}

/**
 * The keychain entry the account's password is stored under, as a command that prints it:
 * the same service/account attributes keytar writes.
 */
export function secretCommand(opts: ExportOptions, key: string): string[] {
  if (opts.platform === 'darwin')
    return ['security', 'find-generic-password', '-s', opts.keychainService, '-a', key, '-w']
  return ['secret-tool', 'lookup', 'service', opts.keychainService, 'account', key]
}

/** POSIX shell quoting: safe words stay bare, everything else goes in single quotes. */
export function shQuote(word: string): string {
  if (/^[A-Za-z0-9@%+=:,./_-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

export function shellCommand(argv: string[]): string {
  return argv.map(shQuote).join(' ')
}

/** XML 1.0 text/attribute escaping; characters XML cannot carry are dropped. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** A URL's user part: every reserved character percent-encoded (so `@` becomes %40). */
export function urlUser(username: string): string {
  return encodeURIComponent(username).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * A special-use folder as its levels: the server's full name split at the separator it gave
 * ("INBOX.Sent" on a "." server is INBOX › Sent), for clients that write paths their own way
 * (with "/", as URIs). Undefined when a level could not be written so: a "/" or "\\" inside a
 * level, an empty level, or, with no separator known (a flat server, an account saved before it
 * was kept), a name with "." or "/" that may or may not be a path: the client then keeps its own
 * default rather than a guess. Clients that take the server's own name use it unchanged.
 */
export function folderLevels(folders: SpecialFolders | undefined, name: string | undefined): string[] | undefined {
  if (!name) return undefined
  const sep = folders?.separator
  if (!sep) return /[./\\]/.test(name) ? undefined : [name]
  const levels = name.split(sep)
  return levels.every((l) => l !== '' && !/[/\\]/.test(l)) ? levels : undefined
}

/**
 * A mailbox name in IMAP's modified UTF-7 (RFC 3501 5.1.3), as it goes over the wire: printable
 * ASCII stays (`&` becomes `&-`), other runs become `&<base64 of UTF-16BE, "," for "/">-`.
 * For clients that keep a folder by the server's own name (Thunderbird for Android's server id).
 */
export function encodeMailboxName(name: string): string {
  let out = ''
  let run = ''
  const flush = (): void => {
    if (!run) return
    const be = Buffer.from(run, 'utf16le').swap16()
    out += `&${be.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`
    run = ''
  }
  for (const ch of name) {
    const code = ch.codePointAt(0)!
    if (code >= 0x20 && code <= 0x7e) {
      flush()
      out += ch === '&' ? '&-' : ch
    } else run += ch
  }
  flush()
  return out
}
