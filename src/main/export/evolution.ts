// GNOME Evolution: three key files for ~/.config/evolution/sources/ (account, identity,
// transport), bundled as one .tar so the user can unpack them in place:
//   tar -xf <file> -C ~/.config/evolution/sources
// Values use GLib key-file escapes; passwords stay in the keyring (Evolution asks once).
import type { Account } from '../../shared/account'
import type { AuthMethod, ServerSettings } from '../../shared/domain'
import { authFor, displayName, folderLevels, needsAuth, stableHex, type Exporter } from './common'
import { tar } from './tar'

// Evolution's IMAP/POP "Password" is the empty mechanism; SMTP names SASL mechanisms.
const RECEIVE_AUTH: Partial<Record<AuthMethod, string>> = {
  'password-cleartext': '',
  'password-encrypted': 'CRAM-MD5',
  ntlm: 'NTLM',
  gssapi: 'GSSAPI'
}
const SEND_AUTH: Partial<Record<AuthMethod, string>> = {
  'password-cleartext': 'PLAIN',
  'password-encrypted': 'CRAM-MD5',
  ntlm: 'NTLM',
  gssapi: 'GSSAPI'
}
const SECURITY = { tls: 'ssl-on-alternate-port', starttls: 'starttls-on-standard-port', plain: 'none' } as const

/** A GLib key-file string value. */
export function keyFileValue(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/^ /, '\\s')
}

type Group = [string, Array<[string, string]>]

function keyFile(groups: Group[]): string {
  return (
    groups
      .map(([name, entries]) => [`[${name}]`, ...entries.map(([k, val]) => `${k}=${keyFileValue(val)}`)].join('\n'))
      .join('\n\n') + '\n'
  )
}

function authGroup(account: Account, s: ServerSettings, table: Partial<Record<AuthMethod, string>>): Group {
  const auth = needsAuth(account, s)
  return [
    'Authentication',
    [
      ['Host', s.host],
      ['Method', auth ? authFor(account, s, table, 'Evolution') : ''],
      ['Port', String(s.port)],
      ['RememberPassword', 'true'],
      ['User', auth ? s.username : '']
    ]
  ]
}

export function evolutionFiles(account: Account): Array<{ name: string; content: string }> {
  const uid = {
    account: stableHex(account, 'evolution-account'),
    identity: stableHex(account, 'evolution-identity'),
    transport: stableHex(account, 'evolution-transport')
  }
  const inc = account.incoming
  const pop = inc.protocol === 'pop3'
  // The server's special-use folders as Evolution's folder URIs (folder://<account uid>/<path>,
  // levels joined with "/" whatever the server's separator, each level escaped).
  const folderKey = (key: string, name: string | undefined): Array<[string, string]> => {
    const levels = pop ? undefined : folderLevels(account.folders, name)
    return levels ? [[key, `folder://${uid.account}/${levels.map(encodeURIComponent).join('/')}`]] : []
  }
  const accountGroups: Group[] = [
    [
      'Data Source',
      [
        ['DisplayName', account.address],
        ['Enabled', 'true'],
        ['Parent', '']
      ]
    ],
    [
      'Mail Account',
      [
        ['BackendName', pop ? 'pop' : 'imapx'],
        ['IdentityUid', uid.identity],
        ['NeedsInitialSetup', 'true']
      ]
    ],
    authGroup(account, inc, RECEIVE_AUTH),
    ['Security', [['Method', SECURITY[inc.security]]]]
  ]
  if (pop) accountGroups.push(['Pop3 Backend', [['KeepOnServer', String(inc.pop3?.leaveOnServer ?? true)]]])
  const identity: Group[] = [
    [
      'Data Source',
      [
        ['DisplayName', account.address],
        ['Enabled', 'true'],
        ['Parent', uid.account]
      ]
    ],
    [
      'Mail Identity',
      [
        ['Address', account.address],
        ['Name', displayName(account)]
      ]
    ],
    ['Mail Submission', [...folderKey('SentFolder', account.folders?.sent), ['TransportUid', uid.transport]]],
    ['Mail Composition', folderKey('DraftsFolder', account.folders?.drafts)]
  ]
  const transport: Group[] = [
    [
      'Data Source',
      [
        ['DisplayName', account.address],
        ['Enabled', 'true'],
        ['Parent', uid.account]
      ]
    ],
    ['Mail Transport', [['BackendName', 'smtp']]],
    authGroup(account, account.outgoing, SEND_AUTH),
    ['Security', [['Method', SECURITY[account.outgoing.security]]]]
  ]
  return [
    { name: `${uid.account}.source`, content: keyFile(accountGroups) },
    { name: `${uid.identity}.source`, content: keyFile(identity) },
    { name: `${uid.transport}.source`, content: keyFile(transport) },
    ...davFiles(account)
  ]
}

/** A CalDAV calendar and a CardDAV address book source, where the settings named them. */
function davFiles(account: Account): Array<{ name: string; content: string }> {
  return (['caldav', 'carddav'] as const).flatMap((kind) => {
    const url = account.services?.[kind]
    if (!url) return []
    const u = new URL(url)
    const groups: Group[] = [
      // evolution-data-server's built-in parents for standalone DAV sources.
      [
        'Data Source',
        [
          ['DisplayName', account.address],
          ['Enabled', 'true'],
          ['Parent', kind === 'caldav' ? 'caldav-stub' : 'webdav-stub']
        ]
      ],
      kind === 'caldav'
        ? [
            'Calendar',
            [
              ['BackendName', 'caldav'],
              ['Selected', 'true']
            ]
          ]
        : ['Address Book', [['BackendName', 'carddav']]],
      [
        'Authentication',
        [
          ['Host', u.hostname],
          ['Method', 'plain/password'],
          ['Port', u.port || '443'],
          ['RememberPassword', 'true'],
          ['User', account.incoming.username]
        ]
      ],
      ['Security', [['Method', 'tls']]],
      [
        'WebDAV Backend',
        [
          ['ResourcePath', u.pathname],
          ['ResourceQuery', u.search.slice(1)]
        ]
      ]
    ]
    return [{ name: `${stableHex(account, `evolution-${kind}`)}.source`, content: keyFile(groups) }]
  })
}

export const evolution: Exporter = {
  info: {
    id: 'evolution',
    name: 'GNOME Evolution source files (.tar)',
    clients: ['Evolution'],
    fileName: 'evolution-sources.tar',
    mimeType: 'application/x-tar',
    supports: { imap: true, pop3: true, oauth2: false }
  },
  render(account) {
    const mtime = new Date(account.updatedAt)
    const entries = evolutionFiles(account).map((f) => ({
      ...f,
      mtime: Number.isNaN(mtime.getTime()) ? new Date(0) : mtime
    }))
    return { content: tar(entries).toString('base64'), encoding: 'base64' }
  }
}
