// fetchmail (POP3 or IMAP retrieval). fetchmail has no password command: it asks on the
// terminal or reads ~/.netrc, so no password is written. Strings are double-quoted; `"` and
// `\` are written as \x22 and \x5c because its lexer ends a string at any double quote.
import type { AuthMethod } from '../../shared/domain'
import { authFor, type Exporter } from './common'

const AUTH: Partial<Record<AuthMethod, string>> = {
  'password-cleartext': 'password',
  'password-encrypted': 'cram-md5',
  gssapi: 'gssapi',
  ntlm: 'ntlm'
}

export function fetchmailString(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`)}"`
}

export const fetchmail: Exporter = {
  info: {
    id: 'fetchmail',
    name: 'fetchmail (receiving)',
    clients: ['fetchmail'],
    fileName: 'fetchmailrc',
    mimeType: 'text/plain',
    supports: { imap: true, pop3: true, oauth2: false }
  },
  render(account) {
    const inc = account.incoming
    const pop = inc.protocol === 'pop3'
    // IMAP mail stays on the server (the mailbox is the server's); POP follows the account.
    const keep = pop ? inc.pop3?.leaveOnServer !== false : true
    const tls =
      inc.security === 'tls' ? 'ssl sslcertck' : inc.security === 'starttls' ? "sslproto 'TLS1.2+' sslcertck" : ''
    const options = [tls, keep ? 'keep' : 'nokeep'].filter(Boolean).join(' ')
    // POP3 without deleting needs UIDL to fetch each message once (a server option).
    const uidl = pop && keep ? ' uidl' : ''
    const lines = [
      '# Mail Setup: fetchmail retrieval. Save as ~/.fetchmailrc with mode 0600.',
      '# fetchmail asks for the password (or reads ~/.netrc); none is stored here.',
      `poll ${fetchmailString(inc.host)} protocol ${pop ? 'POP3' : 'IMAP'} port ${inc.port}${uidl} auth ${authFor(account, inc, AUTH, 'fetchmail')}`,
      `  user ${fetchmailString(inc.username)}`,
      `  options ${options}`,
      ''
    ]
    return { content: lines.join('\n') }
  }
}
