// Thunderbird with the exported user.js uses the server's special-use folders, and works against
// the second implementation. Dovecot: Thunderbird reads the Sent, Drafts, Archives, junk and
// trash settings before it connects, sends before it has listed the server's folders and the
// copy lands in the server's "Sent Messages" (without the settings it would make a "Sent" of its
// own), and the folders it flags once it has listed them are the ones the file named. Cyrus and
// Postfix (folders under INBOX, "." between levels): Thunderbird reads the autoconfig file and
// its verifier signs in; the user.js account signs in, names INBOX/Sent Messages, sends through
// Postfix with its copy in INBOX.Sent Messages, and receives the message.
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Account } from '../../src/shared/account'
import { SECOND_SPECIAL_USE, SPECIAL_USE } from '../world'
import { tempDir } from '../export/tools'
import { mailboxSubjects, serverList, type ImapLogin } from './imap-peek'
import { AUTH_METHOD, SOCKET_TYPE, startThunderbird, type Thunderbird } from './thunderbird'
import { arrived, benchHostsFile, uniqueSubject, verifiedAccount, type Verified } from './verified'

const bench = inject('bench')
const alice = bench.users.alice
const carol = bench.second.users.carol
const second = bench.second.host

const aliceLogin: ImapLogin = {
  host: bench.mailHost,
  address: bench.mailAddress,
  user: alice.address,
  password: alice.password,
  ca: bench.ca.certPem
}
const carolLogin: ImapLogin = {
  host: second,
  address: bench.second.address,
  user: carol.login,
  password: carol.password,
  ca: bench.ca.certPem
}

let hostsFile: string
beforeAll(async () => {
  hostsFile = await benchHostsFile(bench, { [second]: bench.second.address })
})

const start = (userJs: string): Promise<Thunderbird> =>
  startThunderbird({ hostsFile, trustPem: [bench.ca.certPem], userJs })

async function exported(v: Verified, format: 'thunderbird-autoconfig' | 'thunderbird-userjs'): Promise<string> {
  return readFile(await v.exportTo(format, await tempDir('tb-folders-')), 'utf8')
}

/** Thunderbird's folder URI root for an IMAP account (nsIMsgIncomingServer.serverURI). */
const root = (a: Account): string => `imap://${encodeURIComponent(a.incoming.username)}@${a.incoming.host}`

/** Once Thunderbird has listed the server, the folders it flags are the ones its settings named. */
async function expectFlaggedAsNamed(tb: Thunderbird, key: string, account: Account, password: string): Promise<void> {
  const settings = await tb.folderSettings(key)
  expect(await tb.flaggedFolders(key, password)).toMatchObject({
    sent: settings.fccFolderURI,
    drafts: settings.draftsFolderURI,
    junk: settings.spamActionTargetFolder,
    trash: `${root(account)}/${settings.trashFolderPath}`
  })
}

async function waitFor<T>(read: () => Promise<T[]>, want: T): Promise<void> {
  // Delivery runs through the server's own queue; bounded by the test's timeout.
  while (!(await read()).includes(want)) await new Promise((r) => setTimeout(r, 200))
}

describe('Thunderbird uses the special-use folders named by the user.js (Dovecot)', () => {
  let v: Verified
  let tb: Thunderbird
  let accountKey: string
  beforeAll(async () => {
    v = await verifiedAccount(bench, {
      incoming: `imaps://${bench.mailHost}:993`,
      outgoing: `smtps://${bench.mailHost}:465`,
      name: 'Alice Folders'
    })
    tb = await start(await exported(v, 'thunderbird-userjs'))
    accountKey = (await tb.accounts())[0]!.key
  }, 90_000)
  afterAll(async () => {
    await tb?.stop()
  })

  it('reads Sent, Drafts, the junk target and the trash path before it connects', async () => {
    const r = root(v.account)
    expect(await tb.folderSettings(accountKey)).toMatchObject({
      fccFolderURI: `${r}/Sent Messages`,
      fccFolderPickerMode: '1',
      draftsFolderURI: `${r}/Drafts`,
      draftsFolderPickerMode: '1',
      spamActionTargetFolder: `${r}/Junk`,
      trashFolderPath: SPECIAL_USE.trash
    })
  })

  it('sends before it has listed the folders: the copy lands in the server\'s "Sent Messages", no "Sent" made', async () => {
    const subject = uniqueSubject('thunderbird sent copy')
    await tb.sendWithCopy(accountKey, { to: alice.address, subject, body: 'copied to Sent Messages' }, alice.password)
    await arrived(bench, 'alice', subject)
    expect(await mailboxSubjects(aliceLogin, SPECIAL_USE.sent)).toContain(subject)
    expect((await serverList(aliceLogin)).filter((l) => /[ "]Sent"?$/.test(l))).toEqual([])
  }, 40_000)

  it('once it has listed the server, the folders it flags are the ones the file named', async () => {
    await expectFlaggedAsNamed(tb, accountKey, v.account, alice.password)
  }, 40_000)
})

describe('Thunderbird against Cyrus and Postfix (one username, the local part; folders under INBOX)', () => {
  let v: Verified
  beforeAll(async () => {
    v = await verifiedAccount(bench, {
      incoming: `imaps://${carol.login}@${second}:993`,
      outgoing: `smtp://${carol.login}@${second}:587`,
      user: carol,
      name: 'Carol TB'
    })
  }, 60_000)

  it('reads the autoconfig file back, and its verifier signs in to Cyrus', async () => {
    const tb = await start('')
    try {
      const config = await tb.readAutoconfig(await exported(v, 'thunderbird-autoconfig'), carol.address, 'Carol')
      for (const [got, s] of [
        [config.incoming, v.account.incoming],
        [config.outgoing, v.account.outgoing]
      ] as const) {
        expect(got).toMatchObject({
          type: s.protocol,
          hostname: s.host,
          port: s.port,
          socketType: SOCKET_TYPE[s.security],
          auth: AUTH_METHOD.passwordCleartext,
          username: carol.login
        })
      }
      await tb.verifyConfig(config, carol.password)
    } finally {
      await tb.stop()
    }
  }, 90_000)

  describe('with the exported user.js', () => {
    let tb: Thunderbird
    let accountKey: string
    beforeAll(async () => {
      // Thunderbird 153 appends its Sent copy with RFC 6855's `UTF8 (~{n+}…)` form, which Cyrus
      // 3.6 refuses ("BAD Missing required argument to Append command"): no copy could be saved
      // at all. Not the export's doing; this profile turns that off with Thunderbird's own pref.
      const noUtf8Append = '\nuser_pref("mail.server.default.allow_utf8_accept", false);\n'
      tb = await start((await exported(v, 'thunderbird-userjs')) + noUtf8Append)
      accountKey = (await tb.accounts())[0]!.key
    }, 90_000)
    afterAll(async () => {
      await tb?.stop()
    })

    it('creates the account as verified, and names INBOX/Sent Messages, the folder it flags once it lists', async () => {
      const [account] = await tb.accounts()
      expect(account!.incoming).toMatchObject({
        type: 'imap',
        hostName: second,
        port: 993,
        socketType: SOCKET_TYPE.tls,
        authMethod: AUTH_METHOD.passwordCleartext,
        username: carol.login
      })
      const settings = await tb.folderSettings(accountKey)
      expect(settings).toMatchObject({
        fccFolderURI: `${root(v.account)}/INBOX/Sent Messages`,
        draftsFolderURI: `${root(v.account)}/INBOX/Drafts`,
        trashFolderPath: `INBOX/${SECOND_SPECIAL_USE.trash}`
      })
      await tb.signIn(accountKey, carol.password)
      await expectFlaggedAsNamed(tb, accountKey, v.account, carol.password)
    }, 40_000)

    it('sends through Postfix with its copy in INBOX.Sent Messages, and receives the message', async () => {
      const subject = uniqueSubject('thunderbird cyrus')
      await tb.sendWithCopy(
        accountKey,
        { to: carol.address, subject, body: 'through Postfix into Cyrus' },
        carol.password
      )
      expect(await mailboxSubjects(carolLogin, `INBOX.${SECOND_SPECIAL_USE.sent}`)).toContain(subject)
      await waitFor(() => mailboxSubjects(carolLogin, 'INBOX'), subject)
      expect(await tb.inboxSubjects(accountKey, carol.password)).toContain(subject)
    }, 40_000)
  })
})
