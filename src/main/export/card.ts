// A plain settings card for people and for other tools: Markdown to read, JSON to parse.
// It names where the password is kept, never the password.
import type { Account } from '../../shared/account'
import type { ServerSettings } from '../../shared/domain'
import { displayName, keyFor, type Exporter, type ExportOptions } from './common'

const SECURITY = { tls: 'SSL/TLS', starttls: 'STARTTLS', plain: 'none' } as const

/**
 * Markdown text in a table cell. Backslash escapes for the characters every Markdown reader
 * honours; numeric entities for the rest (`|` must not split a table cell anywhere).
 */
export function mdText(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '|': '&#124;', '~': '&#126;' }
  return text.replace(/[&<>|~]|[\\`*_[\]#]/g, (c) => entities[c] ?? `\\${c}`)
}

function server(s: ServerSettings) {
  return {
    protocol: s.protocol,
    host: s.host,
    port: s.port,
    security: s.security,
    username: s.username,
    authentication: s.auth,
    ...(s.pop3 ? { pop3: s.pop3 } : {})
  }
}

export function cardData(account: Account, opts: ExportOptions) {
  return {
    format: 'mail-setup-settings',
    version: 1,
    address: account.address,
    displayName: displayName(account),
    signIn: account.authKind,
    ...(account.providerName ? { provider: account.providerName } : {}),
    incoming: server(account.incoming),
    outgoing: server(account.outgoing),
    ...(account.authKind === 'oauth2' && account.oauth2 ? { oauth2: account.oauth2 } : {}),
    // Saved without a secret: no entry exists, so none is named (the mail client asks).
    ...(account.secretStored === false
      ? { keychain: null }
      : {
          keychain: {
            service: opts.keychainService,
            incomingAccount: keyFor(account, 'incoming'),
            outgoingAccount: keyFor(account, 'outgoing')
          }
        }),
    ...(account.verifiedAt ? { verifiedAt: account.verifiedAt } : {})
  }
}

function rows(title: string, s: ServerSettings): string[] {
  const out = [
    `| ${title} | |`,
    '| --- | --- |',
    `| Protocol | ${s.protocol.toUpperCase()} |`,
    `| Server | ${mdText(s.host)} |`,
    `| Port | ${s.port} |`,
    `| Security | ${SECURITY[s.security]} |`,
    `| User name | ${mdText(s.username)} |`,
    `| Sign-in | ${s.auth.map(mdText).join(', ')} |`
  ]
  if (s.pop3) out.push(`| Keep mail on server | ${s.pop3.leaveOnServer ? 'yes' : 'no'} |`)
  return out
}

function secretLines(account: Account, opts: ExportOptions): string[] {
  if (account.secretStored === false)
    return ['The password was not saved in the system keychain: your mail program asks for it.']
  const incoming = keyFor(account, 'incoming')
  const outgoing = keyFor(account, 'outgoing')
  const what = account.authKind === 'oauth2' ? 'The sign-in (refresh token) is' : 'The password is'
  const lines = [`${what} kept in the system keychain under the service ${mdText(opts.keychainService)},`]
  if (outgoing === incoming) return [...lines, `entry ${mdText(incoming)}.`]
  return [...lines, `entry ${mdText(incoming)} (incoming) and ${mdText(outgoing)} (outgoing).`]
}

export const cardJson: Exporter = {
  info: {
    id: 'card-json',
    name: 'Settings card (JSON)',
    clients: ['Scripts and other tools'],
    fileName: 'mail-settings.json',
    mimeType: 'application/json',
    supports: { imap: true, pop3: true, oauth2: true }
  },
  render(account, opts) {
    return { content: JSON.stringify(cardData(account, opts), null, 2) + '\n' }
  }
}

export const cardMarkdown: Exporter = {
  info: {
    id: 'card-markdown',
    name: 'Settings card (Markdown)',
    clients: ['Any mail app (manual setup)', 'Helpdesk notes'],
    fileName: 'mail-settings.md',
    mimeType: 'text/markdown',
    supports: { imap: true, pop3: true, oauth2: true }
  },
  render(account, opts) {
    const name = displayName(account)
    const lines = [
      `# Mail settings for ${mdText(account.address)}`,
      '',
      ...(name ? [`Name: ${mdText(name)}`, ''] : []),
      `Sign-in: ${account.authKind === 'oauth2' ? 'OAuth2 (in the browser)' : 'with a password'}`,
      '',
      ...rows('Incoming', account.incoming),
      '',
      ...rows('Outgoing', account.outgoing),
      '',
      ...secretLines(account, opts),
      ''
    ]
    return { content: lines.join('\n') }
  }
}
