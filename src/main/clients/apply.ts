// Writes a saved account straight into a mail program, where that is safe:
// - Thunderbird: with Thunderbird closed (its profile lock absent), the account's prefs go into
//   the profile's user.js, in a block of their own that replaces an earlier block for the same
//   account, and the account lists keep every account the profile already has (read from
//   prefs.js and user.js). The password is out of reach (Thunderbird's own store): Thunderbird
//   asks for it at the first sign-in.
// - Evolution: its three key files go into its sources folder, where its registry reads them.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Account } from '../../shared/account'
import { fail } from '../errors'
import { writeFileAtomic } from '../files'
import { evolutionFiles } from '../export/evolution'
import { prefString } from '../export/userjs'
import { exportAccount } from '../export'
import { profileInUse } from './detect'

const BEGIN = '// Mail Setup account begin: '
const END = '// Mail Setup account end: '

/** The comma-separated list a pref holds in a prefs.js or user.js text, if set there. */
export function listPref(text: string, name: string): string[] {
  const re = new RegExp(
    `user_pref\\(\\s*${prefString(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*,\\s*"([^"]*)"\\s*\\)`,
    'g'
  )
  let last: string | undefined
  for (const m of text.matchAll(re)) last = m[1]
  return last
    ? last
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : []
}

function setPref(lines: string[], name: string, value: string): string[] {
  const key = prefString(name)
  return lines.map((l) => (l.startsWith(`user_pref(${key},`) ? `user_pref(${key}, ${prefString(value)});` : l))
}

/** user.js with this account's block (re)placed and the account lists merged with the profile's own. */
export async function thunderbirdUserJs(account: Account, profile: string): Promise<string> {
  const [prefs, current] = await Promise.all([
    readFile(join(profile, 'prefs.js'), 'utf8').catch(() => ''),
    readFile(join(profile, 'user.js'), 'utf8').catch(() => '')
  ])
  // The export's own checks (protocols, sign-in, no password in the clear) run first.
  const rendered = (
    await exportAccount(account, 'thunderbird-userjs', { keychainService: '', platform: process.platform })
  ).content
  let lines = rendered.split('\n').filter((l) => l.startsWith('user_pref('))
  const ours = {
    accounts: listPref(rendered, 'mail.accountmanager.accounts'),
    smtp: listPref(rendered, 'mail.smtpservers')
  }
  // Our earlier block for this account goes; everything else the user or an admin put in user.js stays.
  const block = new RegExp(`${BEGIN}${account.id}\\n[\\s\\S]*?${END}${account.id}\\n?`, 'g')
  const kept = current.replace(block, '')
  const union = (name: string, mine: string[]): string =>
    [...new Set([...listPref(prefs, name), ...listPref(kept, name), ...mine])].join(',')
  lines = setPref(lines, 'mail.accountmanager.accounts', union('mail.accountmanager.accounts', ours.accounts))
  lines = setPref(lines, 'mail.smtpservers', union('mail.smtpservers', ours.smtp))
  // A profile that already sends through another server keeps its default.
  if (listPref(prefs, 'mail.smtpservers').length || listPref(kept, 'mail.smtpservers').length)
    lines = lines.filter((l) => !l.startsWith('user_pref("mail.smtp.defaultserver",'))
  const body = [
    `${BEGIN}${account.id}`,
    `// ${account.address.replace(/[\r\n\u2028\u2029]/g, ' ')}: applied at every start of Thunderbird; remove this block to stop that.`,
    ...lines,
    `${END}${account.id}`,
    ''
  ].join('\n')
  return (kept && !kept.endsWith('\n') ? `${kept}\n` : kept) + body
}

export async function applyToThunderbird(account: Account, profile: string): Promise<string> {
  if (await profileInUse(profile, process.platform)) {
    fail('client-running', {
      params: { client: 'Thunderbird' },
      detail: `the Thunderbird profile ${profile} is in use`
    })
  }
  const path = join(profile, 'user.js')
  await writeFileAtomic(path, await thunderbirdUserJs(account, profile), 0o644)
  return path
}

export async function applyToEvolution(account: Account, sourcesDir: string): Promise<string> {
  await exportAccount(account, 'evolution', { keychainService: '', platform: process.platform })
  for (const f of evolutionFiles(account)) await writeFileAtomic(join(sourcesDir, f.name), f.content, 0o600)
  return sourcesDir
}
