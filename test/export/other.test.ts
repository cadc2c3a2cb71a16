// Non-XML, non-terminal formats: Thunderbird prefs (run through a JavaScript engine with
// only user_pref defined), the QR code (decoded by zbarimg, from our PNG and from our SVG's
// geometry), the Outlook PRF (INI), Evolution's key files (unpacked by tar, read by GLib),
// and the settings cards (JSON.parse, Python-Markdown).
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import type { Account } from '../../src/shared/account'
import { displayName, keyFor } from '../../src/main/export/common'
import { qrPayload } from '../../src/main/export/qr'
import { hostileAccount, hostileAsciiAccount, imapAccount, oauthAccount, popAccount } from './fixtures'
import { PRF_READER } from './readers'
import { exportFile, OPTS, python, run, saved, tempDir, text } from './tools'

describe('Thunderbird prefs (user.js)', () => {
  function prefs(js: string): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    // A context with nothing but user_pref: any other code in the file would throw.
    runInNewContext(js, Object.freeze({ user_pref: (k: string, v: unknown) => void (out[k] = v) }), { timeout: 1000 })
    return out
  }

  it.each([
    ['IMAP', imapAccount, 3],
    ['POP3', popAccount, 3],
    ['OAuth2', oauthAccount, 10],
    ['hostile', hostileAccount, 3]
  ] as const)('%s: one user_pref call per line, values exactly as the account', async (_n, account, authMethod) => {
    const js = await text(account, 'thunderbird-userjs')
    for (const line of js.split('\n').filter(Boolean)) expect(line).toMatch(/^(\/\/ .*|user_pref\(".*", .*\);)$/)
    const p = prefs(js)
    const acct = p['mail.accountmanager.accounts'] as string
    const server = p[`mail.account.${acct}.server`] as string
    const id = p[`mail.account.${acct}.identities`] as string
    const smtp = p[`mail.identity.${id}.smtpServer`] as string
    const inc = account.incoming
    expect(p).toMatchObject({
      [`mail.server.${server}.type`]: inc.protocol,
      [`mail.server.${server}.hostname`]: inc.host,
      [`mail.server.${server}.port`]: inc.port,
      [`mail.server.${server}.socketType`]: inc.security === 'tls' ? 3 : 2,
      [`mail.server.${server}.authMethod`]: authMethod,
      [`mail.server.${server}.userName`]: inc.username,
      [`mail.identity.${id}.fullName`]: displayName(account),
      [`mail.identity.${id}.useremail`]: account.address,
      [`mail.smtpserver.${smtp}.hostname`]: account.outgoing.host,
      [`mail.smtpserver.${smtp}.try_ssl`]: account.outgoing.security === 'tls' ? 3 : 2,
      [`mail.smtpserver.${smtp}.username`]: account.outgoing.username,
      'mail.smtp.defaultserver': smtp
    })
    if (inc.pop3)
      expect(p).toMatchObject({
        [`mail.server.${server}.leave_on_server`]: true,
        [`mail.server.${server}.num_days_to_leave_on_server`]: 14
      })
  })
})

describe('Thunderbird for Android QR code', () => {
  const expected = (a: Account) => {
    const sec = (s: string) => (s === 'tls' ? 3 : 2)
    const auth = a.authKind === 'oauth2' ? 6 : 1
    return [
      1,
      [1, 1],
      [
        a.incoming.protocol === 'imap' ? 0 : 1,
        a.incoming.host,
        a.incoming.port,
        sec(a.incoming.security),
        auth,
        a.incoming.username
      ],
      [
        [
          [0, a.outgoing.host, a.outgoing.port, sec(a.outgoing.security), auth, a.outgoing.username],
          [a.address, displayName(a)]
        ]
      ]
    ]
  }

  async function zbar(path: string): Promise<unknown> {
    // -Sbinary: the bytes as encoded (UTF-8), not zbar's guess at a legacy charset.
    const r = await run('zbarimg', ['--raw', '-q', '-Sbinary', path])
    expect(r.code).toBe(0)
    return JSON.parse(r.stdout.replace(/\n$/, ''))
  }

  it.each([
    ['IMAP', imapAccount],
    ['POP3', popAccount],
    ['OAuth2', oauthAccount],
    ['hostile name', hostileAsciiAccount]
  ] as const)('%s: zbarimg reads our PNG back as the format-1 payload', async (_n, account) => {
    const { path, file } = await saved(account, 'thunderbird-qr-png')
    expect(file.mimeType).toBe('image/png')
    expect(await zbar(path)).toEqual(expected(account))
    expect(JSON.stringify(expected(account))).toBe(qrPayload(account))
  })

  it('zbarimg reads the SVG: its drawn modules decode to the same payload', async () => {
    const svg = await text(hostileAsciiAccount, 'thunderbird-qr-svg')
    const dir = await tempDir()
    await writeFile(join(dir, 'code.svg'), svg)
    expect((await run('xmllint', ['--noout', join(dir, 'code.svg')])).code).toBe(0)
    // Rasterise the path (M/m moves, h runs of dark modules) into a bitmap zbar can read.
    const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1])
    const d = /<path[^>]*stroke="#000000"[^>]*d="([^"]+)"/.exec(svg)?.[1] ?? ''
    const dark = new Set<string>()
    let x = 0
    let y = 0
    for (const [, op, a, b] of d.matchAll(/([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?/g)) {
      if (op === 'M') [x, y] = [Number(a), Number(b)]
      else if (op === 'm') [x, y] = [x + Number(a), y + Number(b)]
      else for (let i = 0; i < Number(a); i++, x++) dark.add(`${x},${Math.floor(y)}`)
    }
    const scale = 6
    const rows: string[] = []
    for (let py = 0; py < size * scale; py++) {
      let row = ''
      for (let px = 0; px < size * scale; px++)
        row += dark.has(`${Math.floor(px / scale)},${Math.floor(py / scale)}`) ? '1' : '0'
      rows.push(row)
    }
    await writeFile(join(dir, 'code.pbm'), `P1\n${size * scale} ${size * scale}\n${rows.join('\n')}\n`)
    expect(await zbar(join(dir, 'code.pbm'))).toEqual(expected(hostileAsciiAccount))
  })

  it('the payload round-trips through qrencode at error correction L and fits one code', async () => {
    const payload = qrPayload(hostileAsciiAccount)
    expect(payload.length).toBeLessThanOrEqual(800)
    const dir = await tempDir()
    const png = join(dir, 'ref.png')
    expect((await run('qrencode', ['-l', 'L', '-8', '-o', png, payload])).code).toBe(0)
    expect(await zbar(png)).toEqual(JSON.parse(payload))
  })

  it('refuses a non-ASCII address instead of writing one the app cannot read', async () => {
    await expect(exportFile(hostileAccount, 'thunderbird-qr-png')).rejects.toMatchObject({
      diagnosis: { code: 'unsupported' }
    })
  })

  it('IDN domains are written in ACE form', () => {
    const idn = { ...imapAccount, address: 'anna@bücher.example' }
    expect(JSON.parse(qrPayload(idn))[3][0][1][0]).toBe('anna@xn--bcher-kva.example')
  })
})

describe('Outlook PRF', () => {
  it.each([
    ['IMAP', imapAccount, 'IMAP_I_Mail', 'IMAP', 'utf8'],
    ['POP3', popAccount, 'I_Mail', 'POP3', 'utf8'],
    ['hostile', hostileAccount, 'IMAP_I_Mail', 'IMAP', 'base64']
  ] as const)(
    '%s: a strict INI reader finds the account and the property mapping',
    async (_n, account, service, p, encoding) => {
      const { path, file } = await saved(account, 'outlook-prf')
      expect(file.encoding).toBe(encoding)
      const r = await python(PRF_READER, [path])
      expect(r.stderr).toBe('')
      const ini = JSON.parse(r.stdout)
      expect(Object.keys(ini)).toEqual(['General', 'Internet Account List', 'Account1', service])
      expect(ini.General).toMatchObject({ Custom: '1', OverwriteProfile: 'Append' })
      expect(ini['Internet Account List']).toEqual({ Account1: service })
      const inc = account.incoming
      expect(ini.Account1).toMatchObject({
        AccountName: account.address,
        DisplayName: displayName(account),
        EmailAddress: account.address,
        [`${p}Server`]: inc.host,
        [`${p}Port`]: String(inc.port),
        [`${p}UserName`]: inc.username,
        [`${p}UseSSL`]: inc.security === 'tls' ? '1' : '2',
        SMTPServer: account.outgoing.host,
        SMTPPort: String(account.outgoing.port),
        SMTPSecureConnection: account.outgoing.security === 'tls' ? '1' : '2',
        SMTPUseAuth: '1'
      })
      expect(JSON.stringify(ini)).not.toMatch(/Password"/)
    }
  )
})

describe('Evolution source files', () => {
  const GLIB = `
import sys, json
from gi.repository import GLib
out = {}
for path in sys.argv[1:]:
    k = GLib.KeyFile()
    k.load_from_file(path, GLib.KeyFileFlags.NONE)
    groups = k.get_groups()[0]
    out[path.rsplit("/", 1)[1]] = {g: {key: k.get_string(g, key) for key in k.get_keys(g)[0]} for g in groups}
print(json.dumps(out))
`
  it.each([
    ['IMAP', imapAccount, 'imapx'],
    ['POP3', popAccount, 'pop'],
    ['hostile', hostileAccount, 'imapx']
  ] as const)('%s: tar unpacks three .source files; GLib reads them; they link up', async (_n, account, backend) => {
    const { path, dir, file } = await saved(account, 'evolution')
    expect(file.mimeType).toBe('application/x-tar')
    const into = join(dir, 'sources')
    await run('mkdir', [into])
    const untar = await run('tar', ['-xf', path, '-C', into])
    expect(untar.stderr).toBe('')
    const names = (await readdir(into)).sort()
    expect(names).toHaveLength(3)
    for (const n of names) expect(n).toMatch(/^[0-9a-f]{40}\.source$/)
    const r = await python(
      GLIB,
      names.map((n) => join(into, n))
    )
    expect(r.stderr).toBe('')
    const files = Object.values(JSON.parse(r.stdout)) as Array<Record<string, Record<string, string>>>
    const acct = files.find((f) => f['Mail Account'])!
    const identity = files.find((f) => f['Mail Identity'])!
    const transport = files.find((f) => f['Mail Transport'])!
    const uid = (f: object) => names[files.indexOf(f as never)]!.replace('.source', '')
    expect(acct['Mail Account']).toMatchObject({ BackendName: backend, IdentityUid: uid(identity) })
    expect(acct.Authentication).toMatchObject({
      Host: account.incoming.host,
      Port: String(account.incoming.port),
      User: account.incoming.username,
      Method: ''
    })
    expect(acct.Security!.Method).toBe(
      account.incoming.security === 'tls' ? 'ssl-on-alternate-port' : 'starttls-on-standard-port'
    )
    if (backend === 'pop') expect(acct['Pop3 Backend']).toEqual({ KeepOnServer: 'true' })
    expect(identity['Data Source']!.Parent).toBe(uid(acct))
    expect(identity['Mail Identity']).toEqual({ Address: account.address, Name: displayName(account) })
    expect(identity['Mail Submission']).toMatchObject({ TransportUid: uid(transport) })
    // A hostile special-use name stays one percent-encoded folder URI.
    for (const v of Object.values(identity['Mail Submission'] ?? {}))
      expect(String(v)).toMatch(/^(folder:\/\/[0-9a-f]+\/[A-Za-z0-9%._~!*'()-]+|[0-9a-f]+)$/)
    expect(transport['Mail Transport']).toEqual({ BackendName: 'smtp' })
    expect(transport.Authentication).toMatchObject({
      Host: account.outgoing.host,
      User: account.outgoing.username,
      Method: 'PLAIN'
    })
    expect(transport['Data Source']!.Parent).toBe(uid(acct))
  })
})

describe('settings cards', () => {
  it.each([
    ['IMAP', imapAccount],
    ['OAuth2', oauthAccount],
    ['hostile', hostileAccount]
  ] as const)('%s: JSON with the servers and where the secret is kept, not the secret', async (_n, account) => {
    const card = JSON.parse(await text(account, 'card-json'))
    expect(card).toMatchObject({
      format: 'mail-setup-settings',
      version: 1,
      address: account.address,
      displayName: displayName(account),
      signIn: account.authKind,
      incoming: { host: account.incoming.host, port: account.incoming.port, username: account.incoming.username },
      outgoing: { host: account.outgoing.host, port: account.outgoing.port, username: account.outgoing.username },
      keychain: {
        service: OPTS.keychainService,
        incomingAccount: keyFor(account, 'incoming'),
        outgoingAccount: keyFor(account, 'outgoing')
      }
    })
  })

  const MD = `
import sys, json, markdown
from html.parser import HTMLParser
html = markdown.markdown(sys.stdin.read(), extensions=["tables"])
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.tags = []; self.cells = []; self.h1 = ""; self.where = None
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("td", "h1"): self.where = tag; self.buf = ""
    def handle_endtag(self, tag):
        if tag == "td": self.cells.append(self.buf)
        if tag == "h1": self.h1 = self.buf
        if tag in ("td", "h1"): self.where = None
    def handle_data(self, data):
        if self.where: self.buf += data
p = P(); p.convert_charrefs = True; p.feed(html)
print(json.dumps({"tags": sorted(set(p.tags)), "cells": p.cells, "h1": p.h1}))
`
  it.each([
    ['IMAP', imapAccount],
    ['hostile', hostileAccount]
  ] as const)(
    '%s: Markdown renders to tables whose text is exactly the settings, with no injected markup',
    async (_n, account) => {
      const r = await python(MD, [], await text(account, 'card-markdown'))
      expect(r.stderr).toBe('')
      const { tags, cells, h1 } = JSON.parse(r.stdout)
      expect(tags).toEqual(['h1', 'p', 'table', 'tbody', 'td', 'th', 'thead', 'tr'])
      expect(h1).toBe(`Mail settings for ${account.address}`)
      const value = (label: string, n = 0) =>
        cells[
          cells
            .filter((_c: string, i: number) => i % 2 === 0)
            .map((c: string, i: number) => (c === label ? i : -1))
            .filter((i: number) => i >= 0)[n]! *
            2 +
            1
        ]
      expect(value('Server')).toBe(account.incoming.host)
      expect(value('User name')).toBe(account.incoming.username)
      expect(value('User name', 1)).toBe(account.outgoing.username)
    }
  )

  it('the Markdown names the person as plain text', async () => {
    const md = await text(hostileAccount, 'card-markdown')
    const r = await python(
      `import sys, markdown; print(markdown.markdown(sys.stdin.read(), extensions=["tables"]))`,
      [],
      md
    )
    expect(r.stdout).toContain('&lt;b&gt;x&lt;/b&gt;')
    expect(r.stdout).not.toContain('<b>')
  })
})

describe('saved files', () => {
  it('are named per account except where the client needs a fixed name', async () => {
    expect((await exportFile(imapAccount, 'msmtp')).fileName).toBe('alice-example.com-msmtprc')
    expect((await exportFile(imapAccount, 'thunderbird-userjs')).fileName).toBe('user.js')
    const file = await saved(imapAccount, 'card-json')
    expect(JSON.parse(await readFile(file.path, 'utf8')).address).toBe(imapAccount.address)
  })
})
