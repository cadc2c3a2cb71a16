// Thunderbird preferences (user.js). Thunderbird re-applies user.js at every start, so the
// file says to apply it once; prefs.js takes the same lines while Thunderbird is closed.
// Keys use a number derived from the account id so they do not collide with account1, 2, …
import type { Account } from '../../shared/account'
import type { AuthMethod } from '../../shared/domain'
import { authFor, displayName, needsAuth, stableHex, type Exporter } from './common'

const AUTH: Partial<Record<AuthMethod, number>> = {
  none: 1,
  'client-ip': 1,
  'password-cleartext': 3,
  'password-encrypted': 4,
  gssapi: 5,
  ntlm: 6,
  oauth2: 10
}
const SOCKET = { plain: 0, starttls: 2, tls: 3 } as const

/** A string literal both JavaScript and Mozilla's preference parser read the same way. */
export function prefString(text: string): string {
  let out = '"'
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029)
      out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return out + '"'
}

function pref(name: string, value: string | number | boolean): string {
  const v = typeof value === 'string' ? prefString(value) : String(value)
  return `user_pref(${prefString(name)}, ${v});`
}

export const userjs: Exporter = {
  info: {
    id: 'thunderbird-userjs',
    name: 'Thunderbird preferences (user.js)',
    clients: ['Thunderbird', 'Betterbird'],
    fileName: 'user.js',
    mimeType: 'text/javascript',
    supports: { imap: true, pop3: true, oauth2: true }
  },
  render(account: Account) {
    const n = 1000 + (parseInt(stableHex(account, 'thunderbird', 8), 16) % 9000)
    const acct = `account${n}`
    const srv = `server${n}`
    const id = `id${n}`
    const smtp = `smtp${n}`
    const inc = account.incoming
    const out = account.outgoing
    const outAuth = needsAuth(account, out) ? authFor(account, out, AUTH, 'Thunderbird prefs') : 1
    const lines = [
      `// Mail Setup: Thunderbird account for ${account.address.replace(/[\r\n\u2028\u2029]/g, ' ')}`,
      '// Apply once: copy this file into an empty or closed Thunderbird profile folder, start',
      '// Thunderbird, then delete user.js (it is re-applied at every start). In a profile that',
      `// already has accounts, add ",${acct}" to mail.accountmanager.accounts and ",${smtp}" to`,
      '// mail.smtpservers instead of replacing them.',
      pref('mail.accountmanager.accounts', acct),
      pref(`mail.account.${acct}.server`, srv),
      pref(`mail.account.${acct}.identities`, id),
      pref(`mail.server.${srv}.type`, inc.protocol),
      pref(`mail.server.${srv}.name`, account.address),
      pref(`mail.server.${srv}.hostname`, inc.host),
      pref(`mail.server.${srv}.port`, inc.port),
      pref(`mail.server.${srv}.socketType`, SOCKET[inc.security]),
      pref(`mail.server.${srv}.authMethod`, authFor(account, inc, AUTH, 'Thunderbird prefs')),
      pref(`mail.server.${srv}.userName`, inc.username)
    ]
    if (inc.protocol === 'pop3') {
      const leave = inc.pop3?.leaveOnServer ?? true
      lines.push(pref(`mail.server.${srv}.leave_on_server`, leave))
      if (leave && inc.pop3?.daysToLeave !== undefined) {
        lines.push(
          pref(`mail.server.${srv}.delete_by_age_from_server`, true),
          pref(`mail.server.${srv}.num_days_to_leave_on_server`, inc.pop3.daysToLeave)
        )
      }
    }
    lines.push(
      pref(`mail.identity.${id}.fullName`, displayName(account)),
      pref(`mail.identity.${id}.useremail`, account.address),
      pref(`mail.identity.${id}.smtpServer`, smtp),
      pref(`mail.identity.${id}.valid`, true),
      pref('mail.smtpservers', smtp),
      pref('mail.smtp.defaultserver', smtp),
      pref(`mail.smtpserver.${smtp}.hostname`, out.host),
      pref(`mail.smtpserver.${smtp}.port`, out.port),
      pref(`mail.smtpserver.${smtp}.try_ssl`, SOCKET[out.security]),
      pref(`mail.smtpserver.${smtp}.authMethod`, outAuth),
      pref(`mail.smtpserver.${smtp}.username`, outAuth === 1 ? '' : out.username),
      ''
    )
    return { content: lines.join('\n') }
  }
}
