// mbsync / isync (IMAP only), for isync 1.4 (SSLType, Far/Near). isync's parser reads
// double-quoted words with backslash escapes; the password comes from `PassCmd`. An OAuth2
// account signs in with XOAUTH2 through Cyrus SASL, which needs a plugin for it (Debian and
// Ubuntu: libsasl2-modules-kdexoauth2); `PassCmd` then runs `mail-setup token`.
import type { AuthMethod } from '../../shared/domain'
import { authFor, shellCommand, slug, storedSecretCommand, tokenCommand, type Exporter } from './common'

const AUTH: Partial<Record<AuthMethod, string>> = {
  'password-cleartext': 'PLAIN LOGIN',
  'password-encrypted': 'CRAM-MD5',
  gssapi: 'GSSAPI',
  oauth2: 'XOAUTH2'
}

/** An isync config word: quoted, with backslash and double quote escaped. */
export function mbsyncWord(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

export const mbsync: Exporter = {
  info: {
    id: 'mbsync',
    name: 'mbsync / isync (receiving)',
    clients: ['mbsync (isync)', 'notmuch', 'mu'],
    fileName: 'mbsyncrc',
    mimeType: 'text/plain',
    supports: { imap: true, pop3: false, oauth2: true }
  },
  render(account, opts) {
    const inc = account.incoming
    const name = slug(account.address)
    const ssl = inc.security === 'tls' ? 'IMAPS' : inc.security === 'starttls' ? 'STARTTLS' : 'None'
    const oauth = account.authKind === 'oauth2'
    const passCmd = oauth ? tokenCommand(account, opts) : storedSecretCommand(account, 'incoming', opts)
    const lines = [
      // isync opens the Maildir root before it creates any folder in it, so the first run
      // makes the root (Create Near then makes INBOX and every other folder below it).
      `# Mail Setup: ${name}. Use with: mkdir -p ~/Mail/${name} && mbsync -c <this file> ${name}`,
      `# (or append to ~/.mbsyncrc, run the mkdir once, then: mbsync ${name})`,
      ...(oauth
        ? [
            '# XOAUTH2 sign-in goes through Cyrus SASL, which needs an XOAUTH2 plugin: on Debian and Ubuntu',
            '# apt install libsasl2-modules-kdexoauth2 (elsewhere, the cyrus-sasl-xoauth2 plugin).'
          ]
        : []),
      `IMAPAccount ${name}`,
      `Host ${inc.host}`,
      `Port ${inc.port}`,
      `User ${mbsyncWord(inc.username)}`,
      // Without a saved password mbsync asks for it on the terminal.
      ...(passCmd ? [`PassCmd ${mbsyncWord(shellCommand(passCmd))}`] : []),
      `AuthMechs ${authFor(account, inc, AUTH, 'mbsync')}`,
      `SSLType ${ssl}`,
      '',
      `IMAPStore ${name}-remote`,
      `Account ${name}`,
      '',
      `MaildirStore ${name}-local`,
      'SubFolders Verbatim',
      `Path ~/Mail/${name}/`,
      `Inbox ~/Mail/${name}/INBOX`,
      '',
      `Channel ${name}`,
      `Far :${name}-remote:`,
      `Near :${name}-local:`,
      'Patterns *',
      'Create Near',
      'SyncState *',
      ''
    ]
    return { content: lines.join('\n') }
  }
}
