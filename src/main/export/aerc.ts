// aerc accounts.conf (IMAP only), for aerc 0.14 and later. aerc reads it with go-ini, which
// cuts unquoted values at `#` or `;`; such values are wrapped in backticks, which go-ini
// takes verbatim up to the last backtick on the line. An OAuth2 account signs in with XOAUTH2
// (what every OAuth mail provider takes, on IMAP and SMTP alike), the token from the cred-cmds
// running `mail-setup token`.
import type { AuthMethod } from '../../shared/domain'
import {
  authFor,
  displayName,
  needsAuth,
  shellCommand,
  storedSecretCommand,
  tokenCommand,
  urlUser,
  type Exporter
} from './common'

const SMTP_AUTH: Partial<Record<AuthMethod, string>> = {
  'password-cleartext': 'plain',
  oauth2: 'xoauth2'
}

const NO_PASSWORD = [
  '# No password was saved with this account, and aerc never asks for one: remove the "# " before',
  '# each cred-cmd line below and write after "=" a command that prints the password',
  '# (e.g. pass show mail/me); until then aerc cannot sign in.'
]

export function aercValue(value: string): string {
  const plain = /^[^\s"'`][^#;]*$/.test(value) && !/[\s\\]$/.test(value)
  return plain ? value : `\`${value}\``
}

/** An RFC 5322 mailbox: display name as a quoted string. */
function mailbox(name: string, address: string): string {
  return name ? `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}" <${address}>` : address
}

export const aerc: Exporter = {
  info: {
    id: 'aerc',
    name: 'aerc',
    clients: ['aerc'],
    fileName: 'accounts.conf',
    mimeType: 'text/plain',
    supports: { imap: true, pop3: false, oauth2: true }
  },
  render(account, opts) {
    const inc = account.incoming
    const out = account.outgoing
    const oauth = account.authKind === 'oauth2'
    authFor(account, inc, { 'password-cleartext': true, oauth2: true }, 'aerc')
    const scheme = inc.security === 'tls' ? 'imaps' : inc.security === 'starttls' ? 'imap' : 'imap+insecure'
    const source = `${scheme}${oauth ? '+xoauth2' : ''}://${urlUser(inc.username)}@${inc.host}:${inc.port}`
    const outAuth = needsAuth(account, out)
    const mech = outAuth ? authFor(account, out, SMTP_AUTH, 'aerc') : 'none'
    const user = outAuth ? `${urlUser(out.username)}@` : ''
    const outgoing = `${out.security === 'tls' ? 'smtps' : 'smtp'}+${mech}://${user}${out.host}:${out.port}`
    const section = account.address.replace(/[[\]\s]/g, '_')
    const lines = [
      '# Mail Setup: aerc account. Append to ~/.config/aerc/accounts.conf (mode 0600).',
      `[${section}]`,
      `source = ${aercValue(source)}`
    ]
    // Without a saved password no command is named: there is no entry to read. aerc has no
    // password prompt, so the file says where the user's own password command goes.
    const incomingCommand = oauth ? tokenCommand(account, opts) : storedSecretCommand(account, 'incoming', opts)
    if (incomingCommand) lines.push(`source-cred-cmd = ${aercValue(shellCommand(incomingCommand))}`)
    else lines.push(...NO_PASSWORD, '# source-cred-cmd = ')
    lines.push(`outgoing = ${aercValue(outgoing)}`)
    const outgoingCommand = !outAuth
      ? undefined
      : oauth
        ? tokenCommand(account, opts)
        : storedSecretCommand(account, 'outgoing', opts)
    if (outgoingCommand) lines.push(`outgoing-cred-cmd = ${aercValue(shellCommand(outgoingCommand))}`)
    else if (outAuth) lines.push('# outgoing-cred-cmd = ')
    // An access token expires within the hour: ask for a fresh one at each send.
    if (oauth) lines.push('outgoing-cred-cmd-cache = false')
    // aerc 0.14 treats smtp:// as unencrypted unless told to use STARTTLS, and only the
    // word `yes` turns it on (anything else, `true` included, means no).
    if (out.security === 'starttls') lines.push('smtp-starttls = yes')
    lines.push(`from = ${aercValue(mailbox(displayName(account), account.address))}`, 'default = INBOX')
    // The server's own special-use folders; without a Sent folder aerc keeps no copy rather
    // than failing to copy into a folder the server lacks.
    const f = account.folders ?? {}
    if (f.sent) lines.push(`copy-to = ${aercValue(f.sent)}`)
    if (f.drafts) lines.push(`postpone = ${aercValue(f.drafts)}`)
    lines.push('')
    return { content: lines.join('\n') }
  }
}
