// Thunderbird preferences (user.js). Thunderbird re-applies user.js at every start, so the
// file says to apply it once; prefs.js takes the same lines while Thunderbird is closed.
// Keys use a number derived from the account id so they do not collide with account1, 2, …
import type { Account } from '../../shared/account'
import type { AuthMethod } from '../../shared/domain'
import { authFor, displayName, encodeMailboxName, folderLevels, needsAuth, stableHex, type Exporter } from './common'

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

/**
 * A user name as Thunderbird escapes it in its server URIs, byte by byte of the UTF-8: letters,
 * digits and `*-._` stay (measured on Thunderbird 153: nsIMsgIncomingServer.serverURI).
 */
function uriUser(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte)
    out += /[A-Za-z0-9*._-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/**
 * The server's special-use folders as Thunderbird's own settings: the identity's Sent, Drafts
 * and Archives folders (folder URIs, picker mode "1": that folder, not the account default),
 * the junk target, and the trash path (`trash_folder_name`, a path with "/" despite its name).
 * Thunderbird sends its first copy before it has listed the server's folders, so without these
 * the copy goes to a "Sent" it creates beside the server's own. Its IMAP folder URIs are the
 * server URI, then the name as the server sends it (modified UTF-7) with "/" between levels and
 * a literal "^" doubled (measured on Thunderbird 153: the URIs of the folders it lists).
 */
function folderPrefs(account: Account, srv: string, id: string): string[] {
  const inc = account.incoming
  const f = account.folders
  if (inc.protocol !== 'imap' || !f || !/^[A-Za-z0-9.-]+$/.test(inc.host)) return []
  const root = `imap://${uriUser(inc.username)}@${inc.host}`
  const uri = (levels: string[]): string =>
    `${root}/${levels.map((l) => encodeMailboxName(l).replace(/\^/g, '^^')).join('/')}`
  const lines: string[] = []
  const identity: Array<[string, string, string | undefined]> = [
    ['fcc_folder', 'fcc_folder_picker_mode', f.sent],
    ['draft_folder', 'drafts_folder_picker_mode', f.drafts],
    ['archive_folder', 'archives_folder_picker_mode', f.archive]
  ]
  for (const [key, mode, name] of identity) {
    const levels = folderLevels(f, name)
    if (levels) lines.push(pref(`mail.identity.${id}.${key}`, uri(levels)), pref(`mail.identity.${id}.${mode}`, '1'))
  }
  const junk = folderLevels(f, f.junk)
  // moveTargetMode 1: a folder (nsISpamSettings.MOVE_TARGET_MODE_FOLDER); moving junk stays off.
  if (junk)
    lines.push(
      pref(`mail.server.${srv}.spamActionTargetFolder`, uri(junk)),
      pref(`mail.server.${srv}.moveTargetMode`, 1)
    )
  const trash = folderLevels(f, f.trash)
  if (trash) lines.push(pref(`mail.server.${srv}.trash_folder_name`, trash.join('/')))
  return lines
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
      ...folderPrefs(account, srv, id),
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
