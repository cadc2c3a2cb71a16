// Every way a server can misbehave, each against a real socket server on loopback: the probe
// must end with the right code, within its deadlines, and without the password ever crossing
// an unencrypted connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { allocLoopback } from '../world/addresses'
import { verify } from '../../src/main/verify'
import type { VerifyResult } from '../../src/shared/verify'
import type { Fake, FakeOptions } from '../fakes/server'
import { imapScript, pop3Script, smtpScript } from '../fakes/scripts'
import { guessedFor, PASSWORD, USER, preAuthBudget, settings, stepOf, world, type World } from './helpers'

let w: World
beforeAll(async () => {
  w = await world()
})
afterAll(() => w.stop())

/** A fake server answering for `name`; it stops with the world. */
const fake = (name: string, opts: FakeOptions): Promise<Fake> => w.fake(name, opts)

const password = { kind: 'password' as const, password: PASSWORD }
const b64 = (s: string): string => Buffer.from(s).toString('base64')

async function probeIn(
  s: ReturnType<typeof settings>,
  exceptions = [] as Parameters<typeof verify>[0]['exceptions']
): Promise<VerifyResult> {
  return verify({ address: USER, incoming: [s], outgoing: [], secret: password, exceptions }, w.ctx())
}
async function probeBoth(
  incoming: ReturnType<typeof settings>,
  outgoing: ReturnType<typeof settings>
): Promise<VerifyResult> {
  return verify(
    { address: USER, incoming: [incoming], outgoing: [outgoing], secret: password, exceptions: [] },
    w.ctx()
  )
}
async function probeOut(s: ReturnType<typeof settings>): Promise<VerifyResult> {
  return verify({ address: USER, incoming: [], outgoing: [s], secret: password, exceptions: [] }, w.ctx())
}

function noSecretLeft(r: VerifyResult, f?: Fake): void {
  const text = JSON.stringify(r)
  expect(text).not.toContain(PASSWORD)
  expect(text).not.toContain(b64(PASSWORD))
  if (f) {
    expect(f.plaintext()).not.toContain(PASSWORD)
    expect(f.plaintext()).not.toMatch(/LOGIN |AUTH |PASS /i)
  }
}

const CAPS = 'IMAP4rev1 AUTH=PLAIN'

describe('network', () => {
  it('a name that does not exist ends in dns-not-found', async () => {
    const r = await probeIn(settings('imap', 'nowhere.fake.test', 993, 'tls'))
    expect(r.diagnosis?.code).toBe('dns-not-found')
    expect(stepOf(r.probes[0], 'dns')?.state).toBe('failed')
    expect(stepOf(r.probes[0], 'tcp')?.state).toBe('skipped')
  })

  it('a refused port ends in connection-refused', async () => {
    w.name('refuses.fake.test', allocLoopback())
    const r = await probeIn(settings('imap', 'refuses.fake.test', 993, 'tls'))
    expect(r.diagnosis?.code).toBe('connection-refused')
    expect(r.diagnosis?.port).toBe(993)
  })

  it('a server that accepts and never speaks ends in timeout at the greeting, within the deadline', async () => {
    const f = await fake('silent.fake.test', { port: 143, handler: () => undefined })
    const r = await probeIn(settings('imap', 'silent.fake.test', 143, 'starttls'))
    expect(r.diagnosis?.code).toBe('timeout')
    expect(stepOf(r.probes[0], 'greeting')?.state).toBe('failed')
    expect(r.probes[0]!.ms).toBeLessThan(preAuthBudget())
    expect(f.all()).toBe('')
  })

  it('a silent TLS port ends in timeout at the handshake', async () => {
    await fake('silent-tls.fake.test', { port: 993, handler: () => undefined })
    const r = await probeIn(settings('imap', 'silent-tls.fake.test', 993, 'tls'))
    expect(r.diagnosis?.code).toBe('timeout')
    expect(stepOf(r.probes[0], 'tls')?.state).toBe('failed')
  })

  it('a server speaking one byte a second ends in timeout', async () => {
    const f = await fake('slow.fake.test', {
      port: 143,
      handler: async (c) => {
        for (const ch of '* OK slow server ready\r\n') {
          if (c.socket.destroyed) return
          c.send(ch)
          await new Promise((r) => setTimeout(r, 1000))
        }
      }
    })
    const r = await probeIn(settings('imap', 'slow.fake.test', 143, 'starttls'))
    expect(r.diagnosis?.code).toBe('timeout')
    expect(stepOf(r.probes[0], 'greeting')?.state).toBe('failed')
    noSecretLeft(r, f)
  })

  it('a server closing during the TLS handshake ends in tls-interrupted, its own headline', async () => {
    await fake('closes.fake.test', { port: 993, handler: (c) => void c.socket.once('data', () => c.close()) })
    const r = await probeIn(settings('imap', 'closes.fake.test', 993, 'tls'))
    expect(r.diagnosis?.code).toBe('tls-interrupted')
    expect(stepOf(r.probes[0], 'tls')?.state).toBe('failed')
  })

  it('garbage bytes on a TLS port end in protocol-error, not a TLS failure', async () => {
    await fake('garbage-tls.fake.test', {
      port: 993,
      handler: (c) => void c.socket.once('data', () => c.send(randomBytes(200).toString('latin1')))
    })
    const r = await probeIn(settings('imap', 'garbage-tls.fake.test', 993, 'tls'))
    expect(r.diagnosis?.code).toBe('protocol-error')
    expect(stepOf(r.probes[0], 'tls')?.state).toBe('failed')
  })

  it('cancelling stops a probe at once with cancelled', async () => {
    await fake('hang.fake.test', { port: 143, handler: () => undefined })
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    const r = await verify(
      {
        address: USER,
        incoming: [settings('imap', 'hang.fake.test', 143, 'starttls')],
        outgoing: [],
        secret: password,
        exceptions: []
      },
      w.ctx({ signal: ac.signal, timing: { greetingMs: 60_000 } })
    )
    expect(r.probes[0]!.state).toBe('cancelled')
    expect(r.diagnosis?.code).toBe('cancelled')
  })
})

describe('certificates', () => {
  const cases = [
    ['expired', { expired: true }, 'cert-expired'],
    ['self-signed', { selfSigned: true }, 'cert-self-signed'],
    ['unknown CA', { untrustedCa: true }, 'cert-untrusted']
  ] as const
  for (const [label, opts, code] of cases) {
    it(`an ${label} certificate stops the probe before any credential (${code})`, async () => {
      const host = `${label.replace(/\W/g, '')}.fake.test`
      const f = await fake(host, { port: 993, tls: await w.cert([host], opts), handler: imapScript({ caps: CAPS }) })
      const r = await probeIn(settings('imap', host, 993, 'tls'))
      expect(r.diagnosis?.code).toBe(code)
      expect(stepOf(r.probes[0], 'certificate')?.state).toBe('failed')
      expect(r.probes[0]!.certificate?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
      expect(f.all()).toBe('')
    })
  }

  it('a certificate for another host ends in cert-wrong-host and names what it covers', async () => {
    const f = await fake('wrong.fake.test', {
      port: 993,
      tls: await w.cert(['other.example']),
      handler: imapScript({ caps: CAPS })
    })
    const r = await probeIn(settings('imap', 'wrong.fake.test', 993, 'tls'))
    expect(r.diagnosis?.code).toBe('cert-wrong-host')
    expect(r.probes[0]!.certificate).toMatchObject({ hostMatches: false, chainTrusted: true, selfSigned: false })
    expect(r.probes[0]!.certificate?.subjectAltNames).toContain('DNS:other.example')
    expect(f.all()).toBe('')
  })

  it('a wildcard certificate matches one label', async () => {
    await fake('imap.wild.fake.test', {
      port: 993,
      tls: await w.cert(['*.wild.fake.test']),
      handler: imapScript({ caps: CAPS })
    })
    const r = await verify(
      {
        address: USER,
        incoming: [settings('imap', 'imap.wild.fake.test', 993, 'tls')],
        outgoing: [],
        secret: { kind: 'none' },
        exceptions: []
      },
      w.ctx()
    )
    expect(r.incoming?.certificate).toMatchObject({ hostMatches: true, chainTrusted: true })
    expect(r.incoming?.certificate?.tlsVersion).toMatch(/^TLSv1\.[23]$/)
  })

  it('a self-signed certificate the user trusted by fingerprint lets the sign-in through, pinned', async () => {
    const host = 'pinned.fake.test'
    const tls = await w.cert([host], { selfSigned: true })
    let seen = ''
    await fake(host, {
      port: 993,
      tls,
      handler: imapScript({ caps: 'IMAP4rev1', login: (_u, p) => ((seen = p), 'OK welcome') })
    })
    const first = await probeIn(settings('imap', host, 993, 'tls'))
    const fp = first.probes[0]!.certificate!.fingerprint256
    const r = await probeIn(settings('imap', host, 993, 'tls'), [{ host, port: 993, fingerprint256: fp }])
    expect(r.incoming?.state).toBe('ok')
    expect(r.incoming?.certificate?.trustedByUser).toBe(true)
    expect(seen).toBe(PASSWORD)
    noSecretLeft(r)
  })

  it('a fingerprint for another certificate, or for an expired one, does not help', async () => {
    const host = 'pin-expired.fake.test'
    await fake(host, {
      port: 993,
      tls: await w.cert([host], { selfSigned: true, expired: true }),
      handler: imapScript({ caps: CAPS })
    })
    const first = await probeIn(settings('imap', host, 993, 'tls'))
    const fp = first.probes[0]!.certificate!.fingerprint256
    const r = await probeIn(settings('imap', host, 993, 'tls'), [{ host, port: 993, fingerprint256: fp }])
    expect(r.diagnosis?.code).toBe('cert-expired')
    const other = await probeIn(settings('imap', 'selfsigned.fake.test', 993, 'tls'), [
      { host: 'selfsigned.fake.test', port: 993, fingerprint256: fp }
    ])
    expect(other.diagnosis?.code).toBe('cert-self-signed')
  })
})

describe('STARTTLS', () => {
  it('STARTTLS missing from the capabilities stops before the password (starttls-missing)', async () => {
    const f = await fake('stripped.fake.test', { port: 143, handler: imapScript({ caps: 'IMAP4rev1 AUTH=PLAIN' }) })
    const r = await probeIn(settings('imap', 'stripped.fake.test', 143, 'starttls'))
    expect(r.diagnosis?.code).toBe('starttls-missing')
    expect(stepOf(r.probes[0], 'tls')?.state).toBe('failed')
    noSecretLeft(r, f)
  })

  it('STARTTLS advertised then refused ends in starttls-failed', async () => {
    const f = await fake('refused-tls.fake.test', {
      port: 143,
      handler: imapScript({ caps: 'IMAP4rev1 STARTTLS', starttls: 'refuse' })
    })
    const r = await probeIn(settings('imap', 'refused-tls.fake.test', 143, 'starttls'))
    expect(r.diagnosis?.code).toBe('starttls-failed')
    noSecretLeft(r, f)
  })

  it('STARTTLS accepted then the handshake cut off ends in tls-interrupted', async () => {
    const f = await fake('broken-tls.fake.test', {
      port: 143,
      handler: imapScript({ caps: 'IMAP4rev1 STARTTLS', starttls: 'close' })
    })
    const r = await probeIn(settings('imap', 'broken-tls.fake.test', 143, 'starttls'))
    expect(r.diagnosis?.code).toBe('tls-interrupted')
    noSecretLeft(r, f)
  })

  it('POP3 STLS and SMTP STARTTLS refusals end the same way', async () => {
    const p = await fake('pop-stls.fake.test', {
      port: 110,
      handler: pop3Script({ capa: ['USER', 'STLS'], stls: 'refuse' })
    })
    const s = await fake('smtp-stls.fake.test', {
      port: 587,
      handler: smtpScript({ ehlo: ['STARTTLS', 'AUTH PLAIN LOGIN'], starttls: 'refuse' })
    })
    const r = await probeBoth(
      settings('pop3', 'pop-stls.fake.test', 110, 'starttls'),
      settings('smtp', 'smtp-stls.fake.test', 587, 'starttls')
    )
    expect(r.probes.map((x) => x.diagnosis?.code)).toEqual(['starttls-failed', 'starttls-failed'])
    noSecretLeft(r, p)
    noSecretLeft(r, s)
  })

  it('STARTTLS that works carries the sign-in over TLS only', async () => {
    const host = 'good-starttls.fake.test'
    let seen = ''
    const f = await fake(host, {
      port: 143,
      starttls: await w.cert([host]),
      handler: imapScript({
        caps: 'IMAP4rev1 STARTTLS LOGINDISABLED',
        capsAfterTls: 'IMAP4rev1',
        login: (_u, p) => ((seen = p), 'OK hi')
      })
    })
    const r = await probeIn(settings('imap', host, 143, 'starttls'))
    expect(r.incoming?.state).toBe('ok')
    expect(seen).toBe(PASSWORD)
    expect(r.incoming?.steps.map((s) => `${s.name}:${s.state}`)).toEqual([
      'dns:ok',
      'tcp:ok',
      'greeting:ok',
      'tls:ok',
      'certificate:ok',
      'capabilities:ok',
      'auth:ok'
    ])
    noSecretLeft(r, f)
    expect(f.all()).toContain(`LOGIN "${USER}" "${PASSWORD}"`)
  })
})

describe('hostile bytes', () => {
  it('an endless line ends in protocol-error', async () => {
    await fake('endless.fake.test', {
      port: 143,
      handler: async (c) => {
        const chunk = 'x'.repeat(4096)
        for (let i = 0; i < 64 && !c.socket.destroyed; i++) {
          c.send(chunk)
          await new Promise((r) => setImmediate(r))
        }
      }
    })
    const r = await probeIn(settings('imap', 'endless.fake.test', 143, 'starttls'))
    expect(r.diagnosis?.code).toBe('protocol-error')
  })

  it('a huge capability line ends in protocol-error', async () => {
    await fake('huge.fake.test', {
      port: 143,
      handler: imapScript({ caps: `IMAP4rev1 STARTTLS ${'X-PAD '.repeat(40_000)}` })
    })
    const r = await probeIn(settings('imap', 'huge.fake.test', 143, 'starttls'))
    expect(r.diagnosis?.code).toBe('protocol-error')
  })

  it('garbage bytes instead of a greeting end in protocol-error', async () => {
    await fake('garbage.fake.test', {
      port: 110,
      handler: (c) =>
        c.send(
          randomBytes(300)
            .toString('latin1')
            .replace(/^[+*2]/, '\x00') + '\r\n'
        )
    })
    const r = await probeIn(settings('pop3', 'garbage.fake.test', 110, 'starttls'))
    expect(r.diagnosis?.code).toBe('protocol-error')
    expect(r.diagnosis?.serverSays).toBeDefined()
  })

  it('an SMTP server on an IMAP port ends in not-this-protocol', async () => {
    await fake('mixed.fake.test', { port: 143, handler: smtpScript({ ehlo: [] }) })
    const r = await probeIn(settings('imap', 'mixed.fake.test', 143, 'starttls'))
    expect(r.diagnosis).toMatchObject({ code: 'not-this-protocol', params: { found: 'SMTP' } })
  })
})

describe('refusals', () => {
  async function smtpTls(name: string, auth: (u: string, p: string) => string): Promise<Fake> {
    return fake(name, {
      port: 465,
      tls: await w.cert([name]),
      handler: smtpScript({ ehlo: ['AUTH PLAIN LOGIN XOAUTH2'], auth })
    })
  }

  it('Microsoft: SMTP AUTH disabled for the tenant → password-auth-disabled, with the server words', async () => {
    const said =
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.'
    await smtpTls('ms-smtp.fake.test', () => said)
    const r = await probeOut(settings('smtp', 'ms-smtp.fake.test', 465, 'tls'))
    expect(r.diagnosis?.code).toBe('password-auth-disabled')
    expect(r.diagnosis?.serverSays).toContain('SmtpClientAuthentication is disabled')
    expect(r.diagnosis?.userFixable).toBe(false)
  })

  it('Microsoft: 535 5.7.3 Authentication unsuccessful → password-auth-disabled', async () => {
    await smtpTls(
      'ms-573.fake.test',
      () => '535 5.7.3 Authentication unsuccessful [BN0PR04CA0001.namprd04.prod.outlook.com]'
    )
    const r = await probeOut(settings('smtp', 'ms-573.fake.test', 465, 'tls'))
    expect(r.diagnosis?.code).toBe('password-auth-disabled')
  })

  it('Gmail: 534-5.7.9 application-specific password required → app-password-required', async () => {
    await smtpTls(
      'gm-smtp.fake.test',
      () =>
        '534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9 https://support.google.com/mail/?p=InvalidSecondFactor d2-20020a05'
    )
    const r = await probeOut(settings('smtp', 'gm-smtp.fake.test', 465, 'tls'))
    expect(r.diagnosis?.code).toBe('app-password-required')
    expect(r.diagnosis?.userFixable).toBe(true)
  })

  it('Gmail: 535-5.7.8 username and password not accepted → auth-failed', async () => {
    await smtpTls(
      'gm-bad.fake.test',
      () =>
        '535-5.7.8 Username and Password not accepted. For more information, go to\r\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials'
    )
    const r = await probeOut(settings('smtp', 'gm-bad.fake.test', 465, 'tls'))
    expect(r.diagnosis?.code).toBe('auth-failed')
  })

  it('Gmail IMAP: [ALERT] application-specific password required → app-password-required', async () => {
    const host = 'gm-imap.fake.test'
    const f = await fake(host, {
      port: 993,
      tls: await w.cert([host]),
      handler: imapScript({
        caps: 'IMAP4rev1 AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN',
        login: () =>
          'NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)',
        authenticate: () =>
          'NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)'
      })
    })
    const r = await probeIn(settings('imap', host, 993, 'tls'))
    expect(r.diagnosis?.code).toBe('app-password-required')
    expect(r.probes[0]!.transcript.some((l) => l.dir === 's' && /Application-specific/.test(l.text))).toBe(true)
    noSecretLeft(r)
    expect(f.all()).toContain('AUTHENTICATE PLAIN')
  })

  it('IMAP [AUTHENTICATIONFAILED] → auth-failed, and a second port of the same host is not retried', async () => {
    const host = 'wrongpw.fake.test'
    const tls = await w.cert([host])
    let attempts = 0
    const script = imapScript({
      caps: 'IMAP4rev1 AUTH=PLAIN',
      authenticate: () => (attempts++, 'NO [AUTHENTICATIONFAILED] Authentication failed.')
    })
    const a = await fake(host, { port: 993, tls, handler: script })
    await fake(host, {
      host: a.host,
      port: 143,
      starttls: tls,
      handler: imapScript({
        caps: 'IMAP4rev1 STARTTLS',
        capsAfterTls: 'IMAP4rev1 AUTH=PLAIN',
        authenticate: () => (attempts++, 'NO [AUTHENTICATIONFAILED] Authentication failed.')
      })
    })
    const r = await verify(
      {
        address: USER,
        incoming: [settings('imap', host, 993, 'tls'), settings('imap', host, 143, 'starttls')],
        outgoing: [],
        secret: password,
        exceptions: []
      },
      w.ctx()
    )
    expect(r.diagnosis?.code).toBe('auth-failed')
    expect(r.diagnosis?.userFixable).toBe(true)
    expect(r.probes.map((p) => p.diagnosis?.code)).toEqual(['auth-failed', 'auth-failed'])
    expect(attempts).toBe(1)
  })

  it('POP3 response codes: [IN-USE] → server-busy, [AUTH] → auth-failed', async () => {
    await fake('pop-inuse.fake.test', {
      port: 995,
      tls: await w.cert(['pop-inuse.fake.test']),
      handler: pop3Script({ capa: ['USER'], login: () => '-ERR [IN-USE] Mailbox locked by another session' })
    })
    await fake('pop-auth.fake.test', {
      port: 995,
      tls: await w.cert(['pop-auth.fake.test']),
      handler: pop3Script({ capa: ['USER', 'SASL PLAIN'], login: () => '-ERR [AUTH] Authentication failed.' })
    })
    const a = await probeIn(settings('pop3', 'pop-inuse.fake.test', 995, 'tls'))
    const b = await probeIn(settings('pop3', 'pop-auth.fake.test', 995, 'tls'))
    expect(a.diagnosis).toMatchObject({
      code: 'server-busy',
      serverSays: '-ERR [IN-USE] Mailbox locked by another session'
    })
    expect(b.diagnosis?.code).toBe('auth-failed')
    const pass = a.probes[0]!.transcript.find((l) => l.text.startsWith('PASS'))
    expect(pass?.text).toBe('PASS ••••••')
    expect(b.probes[0]!.transcript.find((l) => l.text.startsWith('AUTH PLAIN'))?.text).toBe('AUTH PLAIN ••••••')
    noSecretLeft(a)
    noSecretLeft(b)
  })

  it('a plain connection never carries a password unless the user allowed it for that host', async () => {
    let seen = ''
    const f = await fake('plain.fake.test', {
      port: 110,
      handler: pop3Script({ capa: ['USER'], login: (_u, p) => ((seen = p), '+OK') })
    })
    const r = await probeIn(settings('pop3', 'plain.fake.test', 110, 'plain'))
    expect(r.diagnosis?.code).toBe('plaintext-refused')
    expect(stepOf(r.probes[0], 'auth')?.state).toBe('failed')
    noSecretLeft(r, f)
    const allowed = await probeIn(settings('pop3', 'plain.fake.test', 110, 'plain'), [
      { host: 'plain.fake.test', port: 110, allowPlaintext: true }
    ])
    expect(allowed.incoming?.state).toBe('ok')
    expect(seen).toBe(PASSWORD)
  })
})

describe('OAuth2', () => {
  const TOKEN = 'ya29.fake-access-token-0123456789'
  const oauth = { kind: 'oauth2' as const, accessToken: async () => TOKEN }

  it('an IMAP server offering only XOAUTH2/OAUTHBEARER to a password → oauth-required, nothing sent', async () => {
    const host = 'oauth-only.fake.test'
    const f = await fake(host, {
      port: 993,
      tls: await w.cert([host]),
      handler: imapScript({ caps: 'IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER' })
    })
    const r = await probeIn(settings('imap', host, 993, 'tls'))
    expect(r.diagnosis?.code).toBe('oauth-required')
    expect(r.probes[0]!.authMechanisms).toEqual(['XOAUTH2', 'OAUTHBEARER'])
    expect(f.all()).not.toMatch(/LOGIN|AUTHENTICATE/)
  })

  it('POP3 AUTH XOAUTH2 sends the SASL string the server expects; a refused token ends in oauth-token-refused', async () => {
    const host = 'pop-oauth.fake.test'
    const payloads: string[] = []
    await fake(host, {
      port: 995,
      tls: await w.cert([host]),
      handler: pop3Script({
        capa: ['SASL XOAUTH2'],
        auth: (m, p) => (
          payloads.push(`${m} ${p}`),
          p.includes(`auth=Bearer ${TOKEN}`) ? '+OK welcome' : '-ERR [AUTH] Invalid token'
        )
      })
    })
    const ok = await verify(
      { address: USER, incoming: [settings('pop3', host, 995, 'tls')], outgoing: [], secret: oauth, exceptions: [] },
      w.ctx()
    )
    expect(ok.incoming?.state).toBe('ok')
    expect(payloads[0]).toBe(`XOAUTH2 user=${USER}\x01auth=Bearer ${TOKEN}\x01\x01`)
    const bad = await verify(
      {
        address: USER,
        incoming: [settings('pop3', host, 995, 'tls')],
        outgoing: [],
        secret: { kind: 'oauth2', accessToken: async () => 'expired-token-xyz' },
        exceptions: []
      },
      w.ctx()
    )
    expect(bad.diagnosis?.code).toBe('oauth-token-refused')
    expect(JSON.stringify([ok, bad])).not.toContain(TOKEN)
    expect(JSON.stringify(bad)).not.toContain('expired-token-xyz')
  })

  it('IMAP takes the token on the verified connection itself, no second connection', async () => {
    const host = 'both-oauth.fake.test'
    const tls = await w.cert([host])
    const seen: string[] = []
    const f = await fake(host, {
      port: 993,
      tls,
      handler: imapScript({
        caps: 'IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER',
        authenticate: (m, p) => (seen.push(`${m} ${p}`), 'OK hi')
      })
    })
    const r = await verify(
      { address: USER, incoming: [settings('imap', host, 993, 'tls')], outgoing: [], secret: oauth, exceptions: [] },
      w.ctx()
    )
    expect(r.incoming?.state).toBe('ok')
    expect(seen.join()).toContain(`auth=Bearer ${TOKEN}`)
    expect(JSON.stringify(r)).not.toContain(TOKEN)
    expect(f.connections).toBe(1)
  })
})

// The sign-in gate with answers no bench server gives: Exchange's greeting (DOMAIN\\user is its
// second documented form) and "slow down" (no further attempt, on any port of that server).
describe('sign-in gate', () => {
  const guessed = guessedFor(USER)
  it('Exchange: after the address is refused, DOMAIN\\user is the second form, and it is what the probe keeps', async () => {
    const tried: string[] = []
    const refuse = 'NO AUTHENTICATE failed.'
    await fake('exchange.fake.test', {
      port: 993,
      tls: await w.cert(['exchange.fake.test']),
      handler: imapScript({
        greeting: '* OK The Microsoft Exchange IMAP4 service is ready.',
        caps: 'IMAP4rev1 AUTH=PLAIN SASL-IR',
        authenticate: (_m, payload) => (tried.push(payload.split('\0')[1] ?? ''), refuse),
        login: (user) => (
          tried.push(user),
          user === 'FAKE\\\\alice' || user === 'FAKE\\alice' ? 'OK LOGIN completed.' : refuse
        )
      })
    })
    const r = await probeIn(guessed('imap', 'exchange.fake.test', 993, 'tls'))
    expect(tried.map((u) => u.replace(/\\\\/g, '\\'))).toEqual([USER, 'FAKE\\alice'])
    expect(r.diagnosis).toBeUndefined()
    expect(r.incoming?.usernameForm).toBe('exchange-domain-user')
    expect(r.incoming?.settings.username).toBe('FAKE\\alice')
  })

  it('"slow down": no second form, and no attempt on the other ports of that server', async () => {
    let attempts = 0
    const limited = imapScript({
      caps: 'IMAP4rev1 AUTH=PLAIN SASL-IR',
      authenticate: () => (attempts++, 'NO [LIMIT] Too many failed logins, slow down')
    })
    const imap = await fake('limited.fake.test', {
      port: 993,
      tls: await w.cert(['limited.fake.test']),
      handler: limited
    })
    // The same server's submission port, on the same address.
    await fake('limited.fake.test', {
      host: imap.host,
      port: 465,
      tls: await w.cert(['limited.fake.test']),
      handler: smtpScript({
        ehlo: ['AUTH PLAIN LOGIN'],
        auth: () => (attempts++, '454 4.7.0 Too many login attempts, slow down')
      })
    })
    const r = await probeBoth(
      guessed('imap', 'limited.fake.test', 993, 'tls'),
      guessed('smtp', 'limited.fake.test', 465, 'tls')
    )
    // Whichever protocol asked first got "slow down"; the other was not tried at all.
    expect(r.diagnosis).toMatchObject({ code: 'rate-limited', serverSays: expect.stringContaining('slow down') })
    expect(r.probes.map((p) => p.diagnosis?.code)).toEqual(['rate-limited', 'rate-limited'])
    // One refused sign-in in all: after "slow down" nothing more went to that server.
    expect(attempts).toBe(1)
  })
})
