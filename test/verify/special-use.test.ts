// RFC 6154 special-use folders from LIST answers: what servers send, decoded once, and names
// that could not be written into a config file safely left out.
import { describe, expect, it } from 'vitest'
import { decodeMailboxName, parseListLine, specialFolders } from '../../src/main/verify/special-use'

describe('special-use folders', () => {
  it('reads Dovecot, Gmail (XLIST-era names) and quoted answers', () => {
    expect(
      specialFolders([
        '* LIST (\\HasNoChildren) "." INBOX',
        '* LIST (\\HasNoChildren \\Sent) "." "Sent Messages"',
        '* LIST (\\HasNoChildren \\Drafts) "/" "[Gmail]/Drafts"',
        '* LIST (\\Trash \\HasNoChildren) "/" "[Gmail]/Bin"',
        '* LIST (\\HasNoChildren \\Junk) NIL Spam',
        '* LIST (\\Archive) "." "Archive"',
        '* LIST (\\Sent) "." "Second Sent"'
      ])
    ).toEqual({
      sent: 'Sent Messages',
      drafts: '[Gmail]/Drafts',
      trash: '[Gmail]/Bin',
      junk: 'Spam',
      archive: 'Archive',
      // The separator of the first special-use folder's line.
      separator: '.'
    })
  })

  it('keeps the hierarchy separator: Cyrus with "." and folders under INBOX, Gmail with "/", flat servers', () => {
    expect(
      specialFolders([
        '* LIST (\\HasChildren) "." INBOX',
        '* LIST (\\HasNoChildren \\Sent) "." "INBOX.Sent Messages"',
        '* LIST (\\HasNoChildren \\Drafts) "." INBOX.Drafts'
      ])
    ).toEqual({ sent: 'INBOX.Sent Messages', drafts: 'INBOX.Drafts', separator: '.' })
    expect(specialFolders(['* LIST (\\HasNoChildren \\Trash) "/" "[Gmail]/Bin"'])).toEqual({
      trash: '[Gmail]/Bin',
      separator: '/'
    })
    // NIL: a flat server; an escaped quote or backslash is one character too.
    expect(specialFolders(['* LIST (\\Junk) NIL Spam'])).toEqual({ junk: 'Spam' })
    expect(specialFolders(['* LIST (\\Junk) "\\\\" "Junk"'])).toEqual({ junk: 'Junk', separator: '\\' })
    // A delimiter no client can take (a control character, several characters) counts as flat.
    expect(specialFolders(['* LIST (\\Junk) "\t" "Junk"', '* LIST (\\Sent) "ab" "Sent"'])).toEqual({
      junk: 'Junk',
      sent: 'Sent'
    })
    // No special-use folder: nothing kept, not even the separator.
    expect(specialFolders(['* LIST (\\HasNoChildren) "/" INBOX'])).toEqual({})
  })

  it('decodes modified UTF-7 names and quoted escapes once', () => {
    expect(decodeMailboxName('Entw&APw-rfe')).toBe('Entwürfe')
    expect(decodeMailboxName('&ZeVnLIqe-')).toBe('日本語')
    expect(decodeMailboxName('A&-B')).toBe('A&B')
    expect(decodeMailboxName('bad&AB')).toBeUndefined()
    expect(parseListLine('* LIST (\\Sent) "/" "say \\"hi\\" \\\\ there"')).toEqual({
      attributes: ['\\Sent'],
      name: 'say "hi" \\ there',
      separator: '/'
    })
  })

  it('leaves out names it cannot carry: literals, control characters, garbage', () => {
    expect(
      specialFolders([
        '* LIST (\\Sent) "/" {5}',
        '* LIST (\\Drafts) "/" "Dr&AAo-afts"',
        'garbage',
        '* LIST \\Junk "/" Junk'
      ])
    ).toEqual({})
  })
})
