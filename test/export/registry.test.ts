// The registry: every format listed once with what it supports, and the refusals every
// export goes through before a module writes anything.
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { ExportFile, ExportFormatId } from '../../src/shared/account'
import { AppError } from '../../src/main/errors'
import { exportAccount, listFormats } from '../../src/main/export'
import { forgetSecret, registerSecret } from '../../src/main/redact'
import { account, imapAccount, oauthAccount, popAccount, server } from './fixtures'
import { OPTS, run, tempDir } from './tools'
import { cliInProcess } from '../cli/process'
import { entryFor } from '../../src/main/credentials/entries'
import { verifiedAccount } from '../clients/verified'

const ALL = ExportFormatId.options

describe('listFormats', () => {
  it('lists every ExportFormatId exactly once', () => {
    expect(
      listFormats()
        .map((f) => f.id)
        .sort()
    ).toEqual([...ALL].sort())
  })

  it('returns copies: a caller cannot change the registry', () => {
    const first = listFormats()
    first[0]!.supports.imap = false
    expect(listFormats()[0]!.supports.imap).toBe(true)
  })
})

describe('what each format supports', () => {
  it.each(listFormats().map((f) => [f.id, f] as const))(
    '%s: accepts what it declares and refuses the rest with a reason',
    async (_id, info) => {
      for (const [kind, acct] of [
        ['imap', imapAccount],
        ['pop3', popAccount],
        ['oauth2', oauthAccount]
      ] as const) {
        const attempt = exportAccount(acct, info.id, OPTS)
        if (info.supports[kind]) {
          const file = await attempt
          expect(ExportFile.parse(file)).toEqual(file)
          expect(file.format).toBe(info.id)
          expect(file.mimeType).toBe(info.mimeType)
        } else {
          const err = await attempt.then(
            () => undefined,
            (e: unknown) => e
          )
          expect(err).toBeInstanceOf(AppError)
          expect((err as AppError).diagnosis.code).toBe('unsupported')
          expect((err as AppError).diagnosis.detail).toMatch(kind === 'oauth2' ? /OAuth2/ : /POP3/)
        }
      }
    }
  )
})

describe('refusals', () => {
  it('never writes a profile that sends a password unencrypted', async () => {
    const plain = account({ outgoing: server({ protocol: 'smtp', port: 25, security: 'plain' }) })
    for (const id of ALL) {
      await expect(exportAccount(plain, id, OPTS)).rejects.toMatchObject({
        diagnosis: { code: 'plaintext-refused', protocol: 'smtp', port: 25 }
      })
    }
  })

  it('allows an unencrypted relay that needs no password', async () => {
    const relay = account({ outgoing: server({ protocol: 'smtp', port: 25, security: 'plain', auth: ['client-ip'] }) })
    const file = await exportAccount(relay, 'msmtp', OPTS)
    expect(file.content).toContain('auth off')
    expect(file.content).not.toContain('passwordeval')
  })

  it('refuses an account the schema rejects (a host with a quote) before writing', async () => {
    const bad = account({ incoming: { ...imapAccount.incoming, host: 'imap.example.com" evil' } })
    for (const id of ALL)
      await expect(exportAccount(bad, id, OPTS)).rejects.toMatchObject({ diagnosis: { code: 'internal' } })
  })

  it('refuses a user name with a line break instead of splitting a config line', async () => {
    const bad = account({ incoming: server({ protocol: 'imap', username: 'alice\nPassCmd "rm -rf ~"' }) })
    for (const id of ALL)
      await expect(exportAccount(bad, id, OPTS)).rejects.toMatchObject({ diagnosis: { code: 'unsupported' } })
  })

  it('refuses an unknown format', async () => {
    await expect(exportAccount(imapAccount, 'nope' as never, OPTS)).rejects.toMatchObject({
      diagnosis: { code: 'unsupported' }
    })
  })

  it('refuses, never alters, an export that would carry a known secret', async () => {
    const secret = `Secret-${randomBytes(8).toString('hex')}`
    registerSecret(secret)
    try {
      await expect(exportAccount(account({ displayName: secret }), 'card-json', OPTS)).rejects.toMatchObject({
        diagnosis: { code: 'internal' }
      })
    } finally {
      forgetSecret(secret)
    }
  })
})

describe('secrets by reference', () => {
  const formats = ['msmtp', 'mbsync', 'mutt', 'aerc'] as const
  it.each(formats)('%s: reads the keychain entry with secret-tool on Linux and security on macOS', async (id) => {
    const linux = await exportAccount(imapAccount, id, OPTS)
    expect(linux.content).toContain(`secret-tool lookup service 'Mail Setup' account`)
    const mac = await exportAccount(imapAccount, id, { ...OPTS, platform: 'darwin' })
    expect(mac.content).toContain(`security find-generic-password -s 'Mail Setup' -a`)
    expect(mac.content).toMatch(/ -w/)
  })
})

// Accounts verified and saved by the CLI against the bench: the real save path put the real
// password into the keychain. Every format then exports the saved account (`mail-setup export`)
// or refuses exactly as the registry declares; no refusal is passed over, and no exported byte
// carries the password in any form.
describe('no export carries the password', () => {
  const bench = inject('bench')
  const alice = bench.users.alice
  const host = bench.mailHost
  const ACCOUNTS = {
    'one username': { incoming: `imaps://${host}:993`, outgoing: `smtp://${host}:587` },
    'two usernames': { incoming: `imaps://${host}:993`, outgoing: `smtps://${alice.login}@${host}:465` },
    POP3: { incoming: `pop3s://${host}:995`, outgoing: `smtp://${host}:587` }
  } as const

  it.each(Object.keys(ACCOUNTS) as Array<keyof typeof ACCOUNTS>)(
    '%s: every format exports without it or refuses as declared',
    async (kind) => {
      const v = await verifiedAccount(bench, ACCOUNTS[kind])
      // The password really is in the keychain, where each direction reads it.
      for (const role of ['incoming', 'outgoing'] as const) {
        const r = await run(
          'secret-tool',
          ['lookup', 'service', bench.env.MAIL_SETUP_KEYCHAIN_SERVICE!, 'account', entryFor(v.account, role).key],
          { env: v.env }
        )
        expect(r.stdout).toBe(alice.password)
      }
      const forms = passwordForms(alice.password)
      const protocol = v.account.incoming.protocol === 'pop3' ? 'pop3' : 'imap'
      for (const info of listFormats()) {
        const r = await cliInProcess(['export', alice.address, '--format', info.id, '--json'], { env: v.env })
        const doc = JSON.parse(r.stdout) as { ok: boolean; result?: ExportFile; error?: { code: string } }
        if (!info.supports[protocol]) {
          expect([info.id, r.code, doc.error?.code]).toEqual([info.id, 5, 'unsupported'])
          continue
        }
        expect([info.id, r.code, doc.error]).toEqual([info.id, 0, undefined])
        const file = doc.result!
        const bytes = Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8')
        // The QR code's payload is in its modules, not its bytes: read it the way a phone does.
        const readable = file.mimeType === 'image/png' ? Buffer.from((await zbar(bytes)).stdout) : bytes
        for (const form of forms) expect([info.id, readable.includes(form)]).toEqual([info.id, false])
      }
    },
    60_000
  )
})

/** The password as text, UTF-16 (PRF), base64, URL- and XML-escaped: how a file could carry it. */
function passwordForms(password: string): Buffer[] {
  const xml = password.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  return [password, Buffer.from(password).toString('base64'), encodeURIComponent(password), xml]
    .map((t) => Buffer.from(t))
    .concat(Buffer.from(password, 'utf16le'))
}

async function zbar(png: Buffer): Promise<{ stdout: string }> {
  const dir = await tempDir('qr-')
  await writeFile(join(dir, 'code.png'), png)
  const r = await run('zbarimg', ['--raw', '-q', '-Sbinary', join(dir, 'code.png')])
  expect(r.code).toBe(0)
  return r
}
