// Special-use folders below the top level: the server's full name and its separator (kept by the
// check from LIST) become a path in each client's own syntax, or the client keeps its default.
import { describe, expect, it } from 'vitest'
import { encodeMailboxName, folderLevels } from '../../src/main/export/common'
import { decodeMailboxName } from '../../src/main/verify/special-use'
import { readClaws } from './readers'
import { account, HOSTILE_NAME, hostileAccount, server } from './fixtures'
import { exportFile, text } from './tools'

/** A Cyrus with altnamespace off: "." separates levels, personal folders live under INBOX. */
const cyrusStyle = account({
  id: 'acct-cyrus',
  incoming: server({ protocol: 'imap', host: 'mail.other.test' }),
  folders: { sent: 'INBOX.Sent Messages', drafts: 'INBOX.Drafts', trash: 'INBOX.Trash', separator: '.' }
})

describe('folder levels', () => {
  it.each([
    ['a "." server', { separator: '.' }, 'INBOX.Sent Messages', ['INBOX', 'Sent Messages']],
    ['a "/" server', { separator: '/' }, '[Gmail]/Sent Mail', ['[Gmail]', 'Sent Mail']],
    ['a top-level name', { separator: '.' }, 'Sent', ['Sent']],
    ['no separator known, plain name', {}, 'Sent Messages', ['Sent Messages']],
    ['no separator known, a dot: path or not?', {}, 'INBOX.Sent', undefined],
    ['no separator known, a slash', {}, 'a/b', undefined],
    ['a "/" inside a level of a "." server', { separator: '.' }, 'INBOX.a/b', undefined],
    ['an empty level', { separator: '.' }, 'INBOX..Sent', undefined],
    ['no name', { separator: '.' }, undefined, undefined]
  ] as const)('%s', (_n, folders, name, levels) => {
    expect(folderLevels(folders, name)).toEqual(levels)
  })
})

describe('clients that write paths with "/"', () => {
  it('Claws Mail: #imap/<account>/INBOX/Sent Messages', async () => {
    const values = Object.values(readClaws(await text(cyrusStyle, 'claws-mail')))[0]!
    expect(values).toMatchObject({
      set_sent_folder: '1',
      sent_folder: `#imap/${cyrusStyle.address}/INBOX/Sent Messages`,
      draft_folder: `#imap/${cyrusStyle.address}/INBOX/Drafts`,
      trash_folder: `#imap/${cyrusStyle.address}/INBOX/Trash`
    })
  })

  it('Evolution: folder://<uid>/INBOX/Sent%20Messages, each level escaped', async () => {
    const tar = Buffer.from((await exportFile(cyrusStyle, 'evolution')).content, 'base64').toString('utf8')
    expect(tar).toMatch(/\nSentFolder=folder:\/\/[0-9a-f]{40}\/INBOX\/Sent%20Messages\n/)
    expect(tar).toMatch(/\nDraftsFolder=folder:\/\/[0-9a-f]{40}\/INBOX\/Drafts\n/)
  })

  it('Thunderbird user.js: folder URIs as Thunderbird names listed folders, the trash as a "/" path', async () => {
    const js = await text(
      { ...cyrusStyle, folders: { ...cyrusStyle.folders, drafts: 'INBOX.Entwürfe^1' } },
      'thunderbird-userjs'
    )
    const root = 'imap://alice%40example.com@mail.other.test'
    expect(js).toMatch(new RegExp(`\\.fcc_folder", "${root}/INBOX/Sent Messages"\\);`))
    expect(js).toMatch(/\.fcc_folder_picker_mode", "1"\);/)
    expect(js).toContain(`.draft_folder", "${root}/INBOX/Entw&APw-rfe^^1");`)
    expect(js).toMatch(/\.trash_folder_name", "INBOX\/Trash"\);/)
  })

  it('a name that cannot be split safely leaves the client its own default', async () => {
    const unsure = { ...cyrusStyle, folders: { sent: 'INBOX.Sent' } }
    const values = Object.values(readClaws(await text(unsure, 'claws-mail')))[0]!
    expect(values).not.toHaveProperty('sent_folder')
  })
})

describe('modified UTF-7 (the name as the server sends it)', () => {
  it('encodes as RFC 3501 5.1.3 says, and the check decodes it back', () => {
    expect(encodeMailboxName('Entwürfe')).toBe('Entw&APw-rfe')
    expect(encodeMailboxName('日本語')).toBe('&ZeVnLIqe-')
    expect(encodeMailboxName('A&B')).toBe('A&-B')
    expect(encodeMailboxName('INBOX.Sent Messages')).toBe('INBOX.Sent Messages')
    for (const name of [HOSTILE_NAME.replace(/\n/g, ' '), ...Object.values(hostileAccount.folders!), '😀 &&x~'])
      expect(decodeMailboxName(encodeMailboxName(name))).toBe(name)
  })

  it('the .k9s names the folders by the server id: INBOX.Sent Messages, selection MANUAL', async () => {
    const k9s = await text(cyrusStyle, 'k9s')
    expect(k9s).toContain('<value key="sentFolderName">INBOX.Sent Messages</value>')
    expect(k9s).toContain('<value key="sentFolderSelection">MANUAL</value>')
    expect(k9s).toContain('<value key="trashFolderName">INBOX.Trash</value>')
    expect(await text({ ...cyrusStyle, folders: { drafts: 'Entwürfe' } }, 'k9s')).toContain(
      '<value key="draftsFolderName">Entw&amp;APw-rfe</value>'
    )
  })
})
