// msmtp (sending only). msmtp takes the rest of the line as the value and strips one pair of
// surrounding double quotes; there are no escapes, so values only need to be one line.
// The password comes from the keychain through `passwordeval`; for an OAuth2 account the same
// line runs `mail-setup token`, which prints a fresh access token (XOAUTH2: the mechanism every
// OAuth mail provider's submission server takes).
import type { AuthMethod } from '../../shared/domain'
import { authFor, needsAuth, shellCommand, slug, storedSecretCommand, tokenCommand, type Exporter } from './common'

const AUTH: Partial<Record<AuthMethod, string>> = {
  'password-cleartext': 'on',
  'password-encrypted': 'cram-md5',
  gssapi: 'gssapi',
  ntlm: 'ntlm',
  oauth2: 'xoauth2'
}

const q = (value: string): string => `"${value}"`

export const msmtp: Exporter = {
  info: {
    id: 'msmtp',
    name: 'msmtp (sending)',
    clients: ['msmtp', 'mutt/neomutt with msmtp', 'git send-email'],
    fileName: 'msmtprc',
    mimeType: 'text/plain',
    supports: { imap: true, pop3: true, oauth2: true }
  },
  render(account, opts) {
    const out = account.outgoing
    const name = slug(account.address)
    const lines = [
      `# Mail Setup: sending for ${name}. Append to ~/.msmtprc (mode 0600) or use: msmtp -C <this file>`,
      `account ${name}`,
      `host ${out.host}`,
      `port ${out.port}`,
      `tls ${out.security === 'plain' ? 'off' : 'on'}`,
      `tls_starttls ${out.security === 'starttls' ? 'on' : 'off'}`,
      `from ${q(account.address)}`
    ]
    if (needsAuth(account, out)) {
      lines.push(`auth ${authFor(account, out, AUTH, 'msmtp')}`, `user ${q(out.username)}`)
      // Without a saved password msmtp asks for it on the terminal.
      const command =
        account.authKind === 'oauth2' ? tokenCommand(account, opts) : storedSecretCommand(account, 'outgoing', opts)
      if (command) lines.push(`passwordeval ${q(shellCommand(command))}`)
    } else {
      lines.push('auth off')
    }
    lines.push(`account default : ${name}`, '')
    return { content: lines.join('\n') }
  }
}
