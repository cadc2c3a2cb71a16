// Autoconfig 1.2 (draft-ietf-mailmaint-autoconfig): a file with elements and attributes a later
// version adds, SASL SCRAM-SHA-256, <domain purpose="mx">, a JMAP server and root-level CalDAV
// and CardDAV, validated against the draft's RELAX NG schema, found over HTTPS and used: the
// sign-in to a Dovecot that offers only SCRAM-SHA-256 works for IMAP, POP3 and SMTP.
import { spawnSync } from 'node:child_process'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { createServices } from '../../src/main/services'
import { parseAutoconfig } from '../../src/main/discovery/autoconfig'
import { appliesToMx } from '../../src/main/discovery/sources/mx'
import { exportAccount } from '../../src/main/export'
import type { Account } from '../../src/shared/account'
import type { DiscoveryResult } from '../../src/shared/domain'
import type { VerifyResult } from '../../src/shared/verify'
import { allocLoopback, benchCa, startDovecot } from '../world'
import { discoveryWorld, xmlReply, type DiscoveryWorld as World } from './discovery'

const bench = inject('bench')
const D = 'scram.example'
const HOST = `mail.${D}`
const USER = { address: `sam@${D}`, password: 'Scr4m-only-secret' }
const SCHEMA = join(import.meta.dirname, 'data', 'autoconfig-1.2.rng')
let world: World
let dovecot: Awaited<ReturnType<typeof startDovecot>>
let dir: string
let xml: string

/** xmllint's verdict on a document against the draft's schema. */
async function validates(doc: string): Promise<{ ok: boolean; said: string }> {
  const file = join(dir, `doc-${Math.random().toString(36).slice(2)}.xml`)
  await writeFile(file, doc)
  const r = spawnSync('xmllint', ['--noout', '--relaxng', SCHEMA, file], { encoding: 'utf8' })
  return { ok: r.status === 0, said: r.stderr }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'autoconfig-12-'))
  // Dovecot's auth process (user dovecot) must pass through to its users file.
  await chmod(dir, 0o755)
  const ip = allocLoopback()
  const cert = await (await benchCa(bench)).issueCert([HOST, ip])
  dovecot = await startDovecot({
    dir: join(dir, 'dovecot'),
    address: ip,
    hostname: HOST,
    certFile: cert.certFile,
    keyFile: cert.keyFile,
    users: [USER],
    relay: bench.sink,
    // Only SCRAM: a sign-in that works proves SCRAM was used.
    authMechanisms: 'scram-sha-256'
  })
  world = await discoveryWorld([D])
  world.host(`autoconfig.${D}`)
  world.dns.set(HOST, 'A', [ip])
  xml = (await readFile(join(import.meta.dirname, 'data', 'scram-1.2.xml'), 'utf8'))
    .replaceAll('DOMAIN', D)
    .replaceAll('HOST', HOST)
  world.serve('https', `autoconfig.${D}`, '/mail/config-v1.1.xml', xmlReply(xml))
})

afterAll(async () => {
  await world?.stop()
  await dovecot?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('an autoconfig 1.2 file', () => {
  it("is valid by the draft's schema, and the schema does refuse a broken one", async () => {
    expect(await validates(xml)).toMatchObject({ ok: true })
    const broken = await validates(
      '<clientConfig version="1.2"><emailProvider><domain>x</domain></emailProvider></clientConfig>'
    )
    expect(broken.ok).toBe(false)
    expect(broken.said).toContain('emailProvider')
  })

  it('is read with unknown elements ignored, SASL names, purpose="mx", JMAP, CalDAV and CardDAV', () => {
    const f = parseAutoconfig(xml, USER.address)
    expect(f.version).toBe('1.2')
    expect(f.domains).toEqual([D])
    expect(f.mxDomains).toEqual([`mx.${D}`])
    expect(f.incoming.map((s) => `${s.protocol}:${s.auth.join('+')}`)).toEqual([
      'imap:scram-sha-256-plus+scram-sha-256+password-cleartext',
      'pop3:scram-sha-256+password-cleartext'
    ])
    expect(f.outgoing.map((s) => s.auth)).toEqual([['scram-sha-256', 'password-cleartext']])
    expect(f.services).toEqual({
      jmap: `https://jmap.${D}/.well-known/jmap`,
      caldav: `https://dav.${D}/calendars/${encodeURIComponent(USER.address).replace('%40', '@')}/`,
      carddav: `https://dav.${D}/addressbooks/${encodeURIComponent(USER.address).replace('%40', '@')}/`
    })
    expect(f.skipped).toEqual([])
    // purpose="mx": the file speaks for MX hosts in mx.scram.example only.
    expect(appliesToMx(f, `in1.mx.${D}`)).toBe(true)
    expect(appliesToMx(f, 'mx.other.example')).toBe(false)
  })

  it('is found over HTTPS and signs in with SCRAM-SHA-256 to IMAP, POP3 and SMTP', async () => {
    const services = {
      ...createServices({ ...world.config, extraCaPem: [bench.ca.certPem] }),
      dns: world.appDns,
      ca: [...world.ca]
    }
    const handlers = createHandlers(services, { door: 'cli', version: 'test', emit: () => undefined })
    const found = await dispatch(handlers, 'discover', { runId: 's1', address: USER.address, deadlineMs: 4000 })
    const best = (found as { value: DiscoveryResult }).value.candidates[0]!
    expect(best).toMatchObject({ source: 'autoconfig-https', trust: { level: 'trusted' } })
    expect(best.services?.caldav).toContain(`https://dav.${D}/`)
    const verify = async (incoming: number, password: string): Promise<VerifyResult> => {
      const v = await dispatch(handlers, 'verify', {
        runId: `s-${incoming}-${password.length}`,
        address: USER.address,
        incoming: [best.incoming[incoming]],
        outgoing: best.outgoing,
        credentials: { kind: 'password', password }
      })
      expect(v.ok).toBe(true)
      return (v as { value: VerifyResult }).value
    }
    for (const i of [0, 1]) {
      const r = await verify(i, USER.password)
      expect(r.diagnosis).toBeUndefined()
      expect([r.incoming?.state, r.outgoing?.state]).toEqual(['ok', 'ok'])
      const sent = r.probes
        .flatMap((p) => p.transcript)
        .filter((l) => l.dir === 'c')
        .map((l) => l.text)
        .join('\n')
      expect(sent).toMatch(/AUTHENTICATE SCRAM-SHA-256|AUTH SCRAM-SHA-256/)
      expect(sent).not.toContain(USER.password)
      expect(sent).not.toMatch(/AUTH(ENTICATE)? PLAIN/)
    }
    // A wrong password is a refusal by the server, not a protocol problem.
    const wrong = await verify(0, 'not-the-password')
    const imap = wrong.probes.find((p) => p.settings.protocol === 'imap')
    expect(imap?.state).toBe('failed')
    expect(imap?.diagnosis?.code).toBe('auth-failed')
  })

  it('is exported back with its SASL mechanism, and the export is valid by the schema', async () => {
    const account = {
      id: 'a1',
      address: USER.address,
      displayName: 'Sam',
      authKind: 'password',
      incoming: {
        protocol: 'imap',
        host: HOST,
        port: 993,
        security: 'tls',
        username: USER.address,
        auth: ['scram-sha-256', 'password-cleartext']
      },
      outgoing: {
        protocol: 'smtp',
        host: HOST,
        port: 465,
        security: 'tls',
        username: USER.address,
        auth: ['scram-sha-256', 'password-cleartext']
      },
      services: parseAutoconfig(xml, USER.address).services,
      createdAt: new Date(0).toISOString(),
      updatedAt: new Date(0).toISOString()
    } satisfies Account
    const opts = { keychainService: 'Mail Setup Test', platform: 'linux' } as const
    const out = await exportAccount(account, 'thunderbird-autoconfig', opts)
    expect(out.content).toContain('<authentication system="sasl">SCRAM-SHA-256</authentication>')
    expect(await validates(out.content)).toMatchObject({ ok: true })
    // The CalDAV and CardDAV entries travel with it, read back by the same reader.
    expect(parseAutoconfig(out.content, USER.address).services).toEqual({
      caldav: account.services!.caldav,
      carddav: account.services!.carddav
    })
    // The Apple profile gets a CalDAV and a CardDAV account beside mail, a well-formed plist.
    const apple = await exportAccount(account, 'apple-mobileconfig', opts)
    for (const kind of ['caldav', 'carddav'])
      expect(apple.content).toContain(`<string>com.apple.${kind}.account</string>`)
    expect(apple.content).toContain(`<string>${account.services!.caldav}</string>`)
    const file = join(dir, 'profile.mobileconfig')
    await writeFile(file, apple.content)
    expect(spawnSync('xmllint', ['--noout', file]).status).toBe(0)
    // Evolution: a calendar and an address book source beside the mail sources.
    const evo = Buffer.from((await exportAccount(account, 'evolution', opts)).content, 'base64').toString('latin1')
    expect(evo).toContain('BackendName=caldav')
    expect(evo).toContain('BackendName=carddav')
    expect(evo).toContain(`ResourcePath=${new URL(account.services!.carddav!).pathname}`)
  })
})
