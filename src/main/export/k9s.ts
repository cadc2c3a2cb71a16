// Thunderbird for Android / K-9 Mail settings file (.k9s), import via Settings › Import.
// Content version 95: the first with authentication type NONE and without the *_OPTIONAL
// security values; newer apps upgrade it on import.
import type { Account } from '../../shared/account'
import type { AuthMethod, ServerSettings } from '../../shared/domain'
import { authFor, displayName, encodeMailboxName, needsAuth, stableUuid, xmlEscape as x, type Exporter } from './common'

const AUTH: Partial<Record<AuthMethod, string>> = {
  'password-cleartext': 'PLAIN',
  'password-encrypted': 'CRAM_MD5',
  oauth2: 'XOAUTH2',
  none: 'NONE',
  'client-ip': 'NONE'
}
const SECURITY = { tls: 'SSL_TLS_REQUIRED', starttls: 'STARTTLS_REQUIRED', plain: 'NONE' } as const
const TYPE = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' } as const

/** The app's special-folder settings (AccountSettingsDescriptions): name keys and their selection keys. */
const FOLDER_KEYS = [
  ['archive', 'archiveFolder'],
  ['drafts', 'draftsFolder'],
  ['sent', 'sentFolder'],
  ['junk', 'spamFolder'],
  ['trash', 'trashFolder']
] as const

/**
 * The server's special-use folders by the app's folder server id: the full IMAP name as the
 * server sends it (modified UTF-7, the server's own separator). MANUAL keeps exactly these; the
 * app falls back to its automatic choice if one disappears from the server.
 */
function folderSettings(account: Account): string[] {
  const f = account.folders
  if (account.incoming.protocol !== 'imap' || !f) return []
  return FOLDER_KEYS.flatMap(([role, key]) => {
    const name = f[role]
    return name
      ? [
          `        <value key="${key}Name">${x(encodeMailboxName(name))}</value>`,
          `        <value key="${key}Selection">MANUAL</value>`
        ]
      : []
  })
}

function server(tag: string, account: Account, s: ServerSettings): string[] {
  const auth = needsAuth(account, s) ? authFor(account, s, AUTH, 'K-9 settings') : 'NONE'
  return [
    `      <${tag} type="${TYPE[s.protocol]}">`,
    `        <host>${x(s.host)}</host>`,
    `        <port>${s.port}</port>`,
    `        <connection-security>${SECURITY[s.security]}</connection-security>`,
    `        <authentication-type>${auth}</authentication-type>`,
    `        <username>${auth === 'NONE' ? '' : x(s.username)}</username>`,
    `      </${tag}>`
  ]
}

export const k9s: Exporter = {
  info: {
    id: 'k9s',
    name: 'Thunderbird for Android / K-9 Mail settings (.k9s)',
    clients: ['Thunderbird for Android', 'K-9 Mail'],
    fileName: 'account.k9s',
    mimeType: 'application/octet-stream',
    supports: { imap: true, pop3: true, oauth2: true }
  },
  render(account) {
    const pop = account.incoming.protocol === 'pop3'
    // The app's DeletePolicy names are NEVER and DELETE (delete on the server when deleted on
    // the phone); any other value falls back to NEVER on import.
    const deletePolicy = pop ? (account.incoming.pop3?.leaveOnServer === false ? 'DELETE' : 'NEVER') : 'DELETE'
    const name = displayName(account)
    const lines = [
      "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
      '<k9settings version="95" format="1">',
      '  <accounts>',
      `    <account uuid="${stableUuid(account, 'k9').toLowerCase()}">`,
      `      <name>${x(account.address)}</name>`,
      ...server('incoming-server', account, account.incoming),
      ...server('outgoing-server', account, account.outgoing),
      '      <settings>',
      `        <value key="deletePolicy">${deletePolicy}</value>`,
      ...folderSettings(account),
      '      </settings>',
      '      <identities>',
      '        <identity>',
      `        <name>${x(name)}</name>`,
      `        <email>${x(account.address)}</email>`,
      '        <settings />',
      '        </identity>',
      '      </identities>',
      '    </account>',
      '  </accounts>',
      '</k9settings>',
      ''
    ]
    return { content: lines.join('\n') }
  }
}
