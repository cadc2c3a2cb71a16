// Claws Mail (Debian's claws-mail, on a private X server) with its exported accountrc section,
// for accounts the app verified and saved: appended to ~/.claws-mail/accountrc while Claws is
// closed, as the file says, in the profile of someone who already uses Claws (its mailbox set
// up, no account yet). Driven by its own remote commands (claws-drive.py), Claws sends a message
// it composed and receives: POP3 into its own inbox, IMAP into its folder cache; the password is
// typed into its dialog, as the export holds none. The IMAP copy of sent mail lands in the
// server's special-use Sent folder the check found.
import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { SPECIAL_USE } from '../world'
import { PYTHON, tempDir } from '../export/tools'
import {
  arrived,
  benchHostsFile,
  emptyHome,
  maildirSubjects,
  uniqueSubject,
  verifiedAccount,
  withBenchHosts,
  type Verified
} from './verified'

const bench = inject('bench')
const alice = bench.users.alice
const host = bench.mailHost
const DRIVE = new URL('./claws-drive.py', import.meta.url).pathname
const aliceMaildir = join(bench.mailRoot, bench.domain, 'alice', 'Maildir')
let hostsFile: string

/**
 * What Claws's first start leaves (one MH mailbox "Mail" with its default folders): the profile
 * of someone who already uses Claws Mail, before the exported account is added.
 */
const FOLDERLIST = `<?xml version="1.0" encoding="UTF-8"?>
<folderlist>
<folder type="mh" name="Mailbox" path="Mail">
<folderitem type="inbox" name="inbox" path="inbox"/>
<folderitem type="outbox" name="sent" path="sent"/>
<folderitem type="queue" name="queue" path="queue"/>
<folderitem type="draft" name="draft" path="draft"/>
<folderitem type="trash" name="trash" path="trash"/>
</folder>
</folderlist>
`

async function clawsHome(v: Verified): Promise<string> {
  const home = await emptyHome('claws')
  const dir = join(home, '.claws-mail')
  await mkdir(dir, { recursive: true })
  for (const folder of ['inbox', 'sent', 'queue', 'draft', 'trash'])
    await mkdir(join(home, 'Mail', folder), { recursive: true })
  await appendFile(join(dir, 'folderlist.xml'), FOLDERLIST)
  // As the file says: append this section to ~/.claws-mail/accountrc while Claws is closed.
  await appendFile(join(dir, 'accountrc'), await readFile(await v.exportTo('claws-mail', await tempDir('claws-file-'))))
  return home
}

async function drive(v: Verified, home: string, args: string[]): Promise<void> {
  // Claws asks about each certificate it has not seen before; the driver accepts it, as a person would.
  const env = { ...v.env, HOME: home, LANG: 'C.UTF-8' }
  const r = await withBenchHosts(hostsFile, PYTHON, [DRIVE, '--until', ...args], {
    env,
    cwd: home,
    input: alice.password
  })
  const log = await readFile(join(home, '.claws-mail', 'claws.log'), 'utf8').catch(() => '')
  expect(r.stdout, `${r.stdout}${r.stderr}\n${log.slice(-3000)}`).toMatch(/^FOUND$/m)
  // Claws signed in with the password typed into its dialog, never a stored one.
  expect(r.stdout).toMatch(/Input password/)
}

beforeAll(async () => {
  hostsFile = await benchHostsFile(bench)
})

describe.each([
  ['POP3, one username', { incoming: `pop3s://${host}:995`, outgoing: `smtp://${host}:587` }],
  ['IMAP, two usernames', { incoming: `imap://${host}:143`, outgoing: `smtps://${alice.login}@${host}:465` }]
] as const)('Claws Mail with the exported accountrc (%s)', (kind, servers) => {
  const pop = kind.startsWith('POP3')
  let v: Verified
  let home: string
  const subject = uniqueSubject(`claws ${pop ? 'pop' : 'imap'}`)
  beforeAll(async () => {
    v = await verifiedAccount(bench, { ...servers, name: 'Alice Claws' })
    home = await clawsHome(v)
  }, 60_000)

  it('sends a message it composed, and the message arrives', async () => {
    await drive(v, home, [aliceMaildir, subject, '--compose-to', alice.address, subject])
    await arrived(bench, 'alice', subject)
    // IMAP: the copy went to the server's special-use Sent folder named in the export.
    while (!pop && !(await maildirSubjects(join(aliceMaildir, `.${SPECIAL_USE.sent}`))).includes(subject)) {
      await new Promise((r) => setTimeout(r, 100))
    }
  })

  it("receives it: POP3 into its own inbox, IMAP into its cache of the server's INBOX", async () => {
    const folder = pop
      ? join(home, 'Mail', 'inbox')
      : join(home, '.claws-mail', 'imapcache', host, alice.address, 'INBOX')
    await drive(v, home, [folder, subject])
  })
})
