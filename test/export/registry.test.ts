// The registry: every format listed once with what it supports, and the refusals every
// export goes through before a module writes anything.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ExportFile, ExportFormatId } from '../../src/shared/account'
import { AppError } from '../../src/main/errors'
import { exportAccount, listFormats } from '../../src/main/export'
import { forgetSecret, registerSecret } from '../../src/main/redact'
import { account, hostileAccount, imapAccount, oauthAccount, popAccount, server } from './fixtures'
import { OPTS } from './tools'

const ALL = ExportFormatId.options

describe('listFormats', () => {
  it('lists every ExportFormatId exactly once', () => {
    expect(listFormats().map((f) => f.id).sort()).toEqual([...ALL].sort())
  })

  it('returns copies: a caller cannot change the registry', () => {
    const first = listFormats()
    first[0]!.supports.imap = false
    expect(listFormats()[0]!.supports.imap).toBe(true)
  })
})

describe('what each format supports', () => {
  it.each(listFormats().map((f) => [f.id, f] as const))('%s: accepts what it declares and refuses the rest with a reason', async (_id, info) => {
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
  })
})

describe('refusals', () => {
  it('never writes a profile that sends a password unencrypted', async () => {
    const plain = account({ outgoing: server({ protocol: 'smtp', port: 25, security: 'plain' }) })
    for (const id of ALL) {
      await expect(exportAccount(plain, id, OPTS)).rejects.toMatchObject({ diagnosis: { code: 'plaintext-refused', protocol: 'smtp', port: 25 } })
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
    for (const id of ALL) await expect(exportAccount(bad, id, OPTS)).rejects.toMatchObject({ diagnosis: { code: 'internal' } })
  })

  it('refuses a user name with a line break instead of splitting a config line', async () => {
    const bad = account({ incoming: server({ protocol: 'imap', username: 'alice\nPassCmd "rm -rf ~"' }) })
    for (const id of ALL) await expect(exportAccount(bad, id, OPTS)).rejects.toMatchObject({ diagnosis: { code: 'unsupported' } })
  })

  it('refuses an unknown format', async () => {
    await expect(exportAccount(imapAccount, 'nope' as never, OPTS)).rejects.toMatchObject({ diagnosis: { code: 'unsupported' } })
  })

  it('refuses, never alters, an export that would carry a known secret', async () => {
    const secret = `Secret-${randomBytes(8).toString('hex')}`
    registerSecret(secret)
    try {
      await expect(exportAccount(account({ displayName: secret }), 'card-json', OPTS)).rejects.toMatchObject({ diagnosis: { code: 'internal' } })
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

  it('no export of any format contains a password', async () => {
    for (const id of ALL) {
      for (const acct of [imapAccount, popAccount, oauthAccount, hostileAccount]) {
        const file = await exportAccount(acct, id, OPTS).catch(() => undefined)
        if (file?.encoding === 'utf8') expect(file.content).not.toMatch(/^\s*(password|pass|imap_pass|smtp_pass)\s*[=:]\s*[^`\s"]/im)
      }
    }
  })
})
