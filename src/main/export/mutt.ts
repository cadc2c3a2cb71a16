// mutt / neomutt. Values are double-quoted muttrc strings, where mutt also expands
// $VARIABLES and `commands`, so `\`, `"`, `$` and backticks are escaped. The password is read
// from the keychain by a backtick command when the config is loaded. An OAuth2 account names
// `mail-setup token` as mutt's oauth refresh command instead, which mutt runs at each sign-in.
import type { Account } from '../../shared/account'
import type { ServerSettings } from '../../shared/domain'
import {
  displayName,
  needsAuth,
  shellCommand,
  shQuote,
  storedSecretCommand,
  tokenCommand,
  urlUser,
  type Exporter,
  type ExportOptions
} from './common'

export function muttString(value: string): string {
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`
}

/**
 * A shell command inside a muttrc backtick block: mutt ends the block at the first backtick
 * not preceded by a backslash and hands the text to sh unchanged, so backticks inside words
 * are written as \` outside the shell's single quotes.
 */
export function muttCommand(argv: string[]): string {
  return argv
    .map((word) =>
      word
        .split('`')
        .map((part) => (part ? shQuote(part) : ''))
        .join('\\`')
    )
    .join(' ')
}

function url(scheme: string, server: ServerSettings, auth: boolean): string {
  return `${scheme}://${auth ? `${urlUser(server.username)}@` : ''}${server.host}:${server.port}/`
}

/** mutt's OAuth variables' prefix per protocol: imap_, pop_ or smtp_. */
type Prefix = 'imap' | 'pop' | 'smtp'

/**
 * The password read from the keychain; without a saved one, no line (mutt asks for it). OAuth2:
 * mutt's own OAUTHBEARER/XOAUTH2 (no SASL library), the token from `mail-setup token`.
 */
function passLine(prefix: Prefix, account: Account, role: 'incoming' | 'outgoing', opts: ExportOptions): string[] {
  // SMTP: XOAUTH2 first (every OAuth provider's submission takes it; mutt tries OAUTHBEARER
  // on SMTP without looking at what the server offers). IMAP and POP3: the standard first.
  if (account.authKind === 'oauth2')
    return [
      `set ${prefix}_authenticators = "${prefix === 'smtp' ? 'xoauth2:oauthbearer' : 'oauthbearer:xoauth2'}"`,
      `set ${prefix}_oauth_refresh_command = ${muttString(shellCommand(tokenCommand(account, opts)))}`
    ]
  const command = storedSecretCommand(account, role, opts)
  return command ? [`set ${prefix}_pass = "\`${muttCommand(command)}\`"`] : []
}

export const mutt: Exporter = {
  info: {
    id: 'mutt',
    name: 'mutt / neomutt',
    clients: ['mutt', 'neomutt'],
    fileName: 'muttrc',
    mimeType: 'text/plain',
    supports: { imap: true, pop3: true, oauth2: true }
  },
  render(account, opts) {
    const inc = account.incoming
    const out = account.outgoing
    const imap = inc.protocol === 'imap'
    const scheme = imap ? (inc.security === 'tls' ? 'imaps' : 'imap') : inc.security === 'tls' ? 'pops' : 'pop'
    const outAuth = needsAuth(account, out)
    const lines = [
      '# Mail Setup: mutt/neomutt settings. Use with: mutt -F <this file>, or `source` it from ~/.muttrc',
      `set realname = ${muttString(displayName(account))}`,
      `set from = ${muttString(account.address)}`,
      'set use_from = yes',
      // Never talk to the server unencrypted, and never fall back from STARTTLS.
      `set ssl_force_tls = ${inc.security !== 'plain' && out.security !== 'plain' ? 'yes' : 'no'}`,
      'set ssl_starttls = yes'
    ]
    if (imap) {
      lines.push(
        `set imap_user = ${muttString(inc.username)}`,
        ...passLine('imap', account, 'incoming', opts),
        `set folder = ${muttString(url(scheme, inc, true))}`,
        'set spoolfile = "+INBOX"',
        'set imap_check_subscribed = yes'
      )
      // The server's own special-use folders; without them mutt keeps its local defaults
      // (~/sent, ~/postponed) rather than failing to copy into a folder the server lacks.
      const f = account.folders ?? {}
      if (f.sent) lines.push(`set record = ${muttString(`+${f.sent}`)}`)
      if (f.drafts) lines.push(`set postponed = ${muttString(`+${f.drafts}`)}`)
      if (f.trash) lines.push(`set trash = ${muttString(`+${f.trash}`)}`)
    } else {
      lines.push(
        `set pop_user = ${muttString(inc.username)}`,
        ...passLine('pop', account, 'incoming', opts),
        `set spoolfile = ${muttString(url(scheme, inc, true))}`,
        `set pop_delete = ${inc.pop3?.leaveOnServer === false ? 'yes' : 'no'}`
      )
    }
    const smtpScheme = out.security === 'tls' ? 'smtps' : 'smtp'
    lines.push(`set smtp_url = ${muttString(url(smtpScheme, out, outAuth))}`)
    if (outAuth) lines.push(...passLine('smtp', account, 'outgoing', opts))
    lines.push('')
    return { content: lines.join('\n') }
  }
}
