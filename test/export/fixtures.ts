// Accounts the export tests share: an ordinary one, a POP3 one, an OAuth2 one, and one whose
// every free-text field is hostile.
import type { Account } from '../../src/shared/account'
import type { ServerSettings } from '../../src/shared/domain'

const now = '2026-03-01T12:00:00.000Z'

export function server(over: Partial<ServerSettings> & Pick<ServerSettings, 'protocol'>): ServerSettings {
  const defaults: Record<ServerSettings['protocol'], Omit<ServerSettings, 'protocol'>> = {
    imap: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      username: 'alice@example.com',
      auth: ['password-cleartext']
    },
    pop3: {
      host: 'pop.example.com',
      port: 995,
      security: 'tls',
      username: 'alice@example.com',
      auth: ['password-cleartext'],
      pop3: { leaveOnServer: true, daysToLeave: 14 }
    },
    smtp: {
      host: 'smtp.example.com',
      port: 465,
      security: 'tls',
      username: 'alice@example.com',
      auth: ['password-cleartext']
    }
  }
  return { ...defaults[over.protocol], ...over }
}

export function account(over: Partial<Account> = {}): Account {
  return {
    id: 'acct-1',
    address: 'alice@example.com',
    displayName: 'Alice Example',
    incoming: server({ protocol: 'imap' }),
    outgoing: server({ protocol: 'smtp' }),
    authKind: 'password',
    createdAt: now,
    updatedAt: now,
    ...over
  }
}

export const imapAccount = account()

export const popAccount = account({
  id: 'acct-pop',
  incoming: server({ protocol: 'pop3' }),
  outgoing: server({ protocol: 'smtp', port: 587, security: 'starttls' })
})

export const oauthAccount = account({
  id: 'acct-oauth',
  address: 'bob@example.org',
  displayName: 'Bob',
  authKind: 'oauth2',
  incoming: server({ protocol: 'imap', host: 'imap.example.org', username: 'bob@example.org', auth: ['oauth2'] }),
  outgoing: server({
    protocol: 'smtp',
    host: 'smtp.example.org',
    port: 587,
    security: 'starttls',
    username: 'bob@example.org',
    auth: ['oauth2']
  }),
  oauth2: {
    issuer: 'accounts.example.org',
    scope: 'mail',
    authURL: 'https://accounts.example.org/auth',
    tokenURL: 'https://accounts.example.org/token'
  }
})

/** Every character class that has broken a config file somewhere. */
export const HOSTILE_NAME = `Zoë "Q" O'Brien \\ $(touch PWNED) \`touch PWNED\` $HOME; # & <b>x</b> | ~ % 日本\nX-Injected: yes`

export const hostileAccount = account({
  id: 'acct-hostile',
  address: 'zoë+tag@bücher.example',
  displayName: HOSTILE_NAME,
  incoming: server({
    protocol: 'imap',
    host: 'xn--bcher-kva.example',
    port: 143,
    security: 'starttls',
    username: `we"ird\\user $(touch PWNED)\`x\`;#'q'`
  }),
  outgoing: server({
    protocol: 'smtp',
    host: 'xn--bcher-kva.example',
    port: 587,
    security: 'starttls',
    username: `out"user\\ $x 'q' #;`
  }),
  // Folder names come from the server: as hostile as any other text.
  folders: { sent: `Sent "$(touch PWNED)" \`x\` $HOME #;`, drafts: 'Entwürfe; #x', trash: `Trash\\'q'` }
})

/** For formats limited to ASCII addresses (the QR code): hostile name, ASCII address. */
export const hostileAsciiAccount = account({
  ...hostileAccount,
  id: 'acct-hostile-ascii',
  address: 'zoe+tag@xn--bcher-kva.example'
})
