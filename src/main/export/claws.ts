// Claws Mail accountrc section (Claws Mail 4 on Debian 12). Claws reads `key=value` to the
// end of the line with no escapes, so values are single-line; no password is written (Claws
// asks for it and keeps it in its own password store).
import type { Account } from '../../shared/account'
import type { AuthMethod } from '../../shared/domain'
import { authFor, displayName, folderLevels, needsAuth, stableHex, type Exporter } from './common'

const SSL = { plain: 0, tls: 1, starttls: 2 } as const
// 0 lets Claws pick the best mechanism the server offers.
const AUTH: Partial<Record<AuthMethod, number>> = {
  'password-cleartext': 0,
  'password-encrypted': 0,
  gssapi: 0,
  ntlm: 0
}

const line = (value: string): string => value.replace(/[\r\n]/g, ' ')

/**
 * The server's special-use folders as Claws folder ids (`#imap/<account name>/<path>`, the
 * IMAP folder named after the account). Claws writes paths with `/` whatever the server's
 * separator, so the server's name is split at its own separator (common.ts folderLevels);
 * where that cannot be done Claws keeps its own defaults.
 */
function serverFolders(account: Account): Array<[string, string | number]> {
  const f = account.folders
  const roles = [
    ['sent', f?.sent],
    ['draft', f?.drafts],
    ['trash', f?.trash]
  ] as const
  return roles.flatMap(([key, name]) => {
    const levels = folderLevels(f, name)
    return levels
      ? [
          [`set_${key}_folder`, 1],
          [`${key}_folder`, `#imap/${account.address}/${levels.join('/')}`]
        ]
      : []
  })
}

export const claws: Exporter = {
  info: {
    id: 'claws-mail',
    name: 'Claws Mail (accountrc)',
    clients: ['Claws Mail'],
    fileName: 'accountrc',
    mimeType: 'text/plain',
    supports: { imap: true, pop3: true, oauth2: false }
  },
  render(account) {
    const inc = account.incoming
    const out = account.outgoing
    const imap = inc.protocol === 'imap'
    authFor(account, inc, AUTH, 'Claws Mail')
    // A high account number, unlikely to collide with accounts Claws numbered 1, 2, …
    const n = 500 + (parseInt(stableHex(account, 'claws', 6), 16) % 500)
    const smtpAuth = needsAuth(account, out)
    const values: Array<[string, string | number]> = [
      ['account_name', account.address],
      ['is_default', 0],
      ['name', displayName(account)],
      ['address', account.address],
      ['protocol', imap ? 1 : 0],
      ['receive_server', inc.host],
      ['smtp_server', out.host],
      ['user_id', inc.username],
      [imap ? 'set_imapport' : 'set_popport', 1],
      [imap ? 'imap_port' : 'pop_port', inc.port],
      ['ssl_imap', imap ? SSL[inc.security] : 0],
      ['ssl_pop', imap ? 0 : SSL[inc.security]],
      ['ssl_smtp', SSL[out.security]],
      ['set_smtpport', 1],
      ['smtp_port', out.port],
      ['use_smtp_auth', smtpAuth ? 1 : 0],
      ['smtp_auth_method', 0],
      ['smtp_user_id', smtpAuth && out.username !== inc.username ? out.username : ''],
      ['imap_auth_method', 0],
      ['remove_mail', imap ? 0 : inc.pop3?.leaveOnServer === false ? 1 : 0],
      ['message_leave_time', inc.pop3?.daysToLeave ?? 0],
      ...(imap ? serverFolders(account) : []),
      ['config_version', 4]
    ]
    const lines = [
      `# Mail Setup: append this section to ~/.claws-mail/accountrc while Claws Mail is closed.`,
      `[Account: ${n}]`,
      ...values.map(([k, v]) => `${k}=${typeof v === 'number' ? v : line(v)}`),
      ''
    ]
    return { content: lines.join('\n') }
  }
}
