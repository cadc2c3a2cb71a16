// The organisation's policy, enforced in main: each rule refuses a request that breaks it
// with its own typed diagnosis, before any connection; discovery offers only what it allows;
// an invalid file is reported with every problem and nothing of it applies. Through the
// API's own dispatch (every door's path), against the bench's real Dovecot and submission.
import { mkdtempSync } from 'node:fs'
import { createServer as createTlsServer, type Server } from 'node:tls'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import { readPolicy } from '../../src/main/policy/file'
import { benchCa } from '../world'
import { CONTOSO_ORG, policyFolder } from './files'
import type { Result } from '../../src/shared/api'
import type { ServerSettings } from '../../src/shared/domain'

const bench = inject('bench')
const { dir, write: policyFile } = policyFolder('policy-')

function api(policy: unknown) {
  const env = {
    ...process.env,
    ...bench.env,
    MAIL_SETUP_OFFLINE: '1',
    MAIL_SETUP_USER_DATA: mkdtempSync(join(dir, 'data-')),
    MAIL_SETUP_POLICY: policyFile(policy)
  }
  const handlers = createHandlers(createServices(loadConfig(env)), {
    door: 'browser',
    version: 'test',
    emit: () => undefined
  })
  return <T = unknown>(op: string, req: unknown): Promise<Result<T>> =>
    dispatch(handlers, op, req) as Promise<Result<T>>
}

const server = (
  protocol: ServerSettings['protocol'],
  port: number,
  security: ServerSettings['security'],
  username = bench.users.alice.address
): ServerSettings => ({
  protocol,
  host: bench.mailHost,
  port,
  security,
  username,
  auth: ['password-cleartext']
})

const org = CONTOSO_ORG
const locked = () => ({
  organisation: org,
  lockedServers: [
    {
      domains: [bench.domain],
      incoming: { protocol: 'imap', host: bench.mailHost, port: bench.ports.imaps, security: 'tls' },
      outgoing: { protocol: 'smtp', host: bench.mailHost, port: bench.ports.submission, security: 'starttls' }
    }
  ]
})
const password = { kind: 'password', password: bench.users.alice.password } as const
const alice = (): string => bench.users.alice.address
const codeOf = (r: Result<unknown>): string | undefined => (r.ok ? undefined : r.error.code)

describe('locked servers', () => {
  it('discovery offers only the locked servers, trusted, without asking any source', async () => {
    const call = api(locked())
    const r = await call<{
      candidates: Array<{
        source: string
        trust: { level: string }
        incoming: ServerSettings[]
        outgoing: ServerSettings[]
        providerName?: string
      }>
      sources: Array<{ reason?: string }>
    }>('discover', { runId: 'd', address: bench.users.alice.address })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.candidates).toHaveLength(1)
    const [c] = r.value.candidates
    expect(c).toMatchObject({ source: 'local-file', trust: { level: 'trusted' }, providerName: 'Contoso' })
    expect(c!.incoming).toEqual([
      expect.objectContaining({
        host: bench.mailHost,
        port: bench.ports.imaps,
        security: 'tls',
        username: bench.users.alice.address
      })
    ])
    expect(r.value.sources.map((s) => s.reason)).toEqual(['policy'])
  })

  it('signs in to the locked servers for real, and refuses any other server before connecting', async () => {
    const call = api(locked())
    const ok = await call<{ incoming?: unknown; outgoing?: unknown }>('verify', {
      runId: 'v',
      address: bench.users.alice.address,
      incoming: [server('imap', bench.ports.imaps, 'tls')],
      outgoing: [server('smtp', bench.ports.submission, 'starttls')],
      credentials: password
    })
    expect(ok.ok && ok.value.incoming && ok.value.outgoing).toBeTruthy()
    const other = await call('verify', {
      runId: 'v',
      address: bench.users.alice.address,
      incoming: [server('imap', bench.ports.imap, 'starttls')],
      outgoing: [server('smtp', bench.ports.submission, 'starttls')],
      credentials: password
    })
    expect(other).toMatchObject({
      ok: false,
      error: {
        code: 'policy-locked',
        host: bench.mailHost,
        port: bench.ports.imap,
        params: { organisation: 'Contoso', server: `${bench.mailHost}:${bench.ports.imaps}` }
      }
    })
    // Another user name is another server setting too.
    const renamed = await call('verify', {
      runId: 'v',
      address: bench.users.alice.address,
      incoming: [server('imap', bench.ports.imaps, 'tls', 'alice')],
      outgoing: [server('smtp', bench.ports.submission, 'starttls')],
      credentials: password
    })
    expect(codeOf(renamed)).toBe('policy-locked')
    // Planning other servers for a save (the CLI's export --incoming/--outgoing path) and the round trip obey the same
    // rule.
    const address = bench.users.alice.address
    const incoming = server('imap', bench.ports.imap, 'starttls')
    const outgoing = server('smtp', bench.ports.submission, 'starttls')
    expect(codeOf(await call('plan', { address, incoming: [incoming], outgoing: [outgoing] }))).toBe('policy-locked')
    expect(codeOf(await call('roundTrip', { runId: 'r', address, incoming, outgoing, credentials: password }))).toBe(
      'policy-locked'
    )
    // The session that signed in to the locked servers saves them.
    const sessionId = ok.ok ? (ok.value as { sessionId: string }).sessionId : ''
    expect((await call('saveAccount', { sessionId, storePassword: false })).ok).toBe(true)
  })

  it('leaves other domains to discovery', async () => {
    const call = api({ ...locked(), lockedServers: [{ ...locked().lockedServers[0]!, domains: ['contoso.example'] }] })
    const r = await call<{ candidates: Array<{ id: string }>; sources: Array<{ source: string; reason?: string }> }>(
      'discover',
      { runId: 'd', address: bench.users.alice.address }
    )
    expect(r.ok && r.value.candidates.length).toBeGreaterThan(0)
    expect(r.ok && r.value.candidates.map((c) => c.id)).not.toContain('policy')
    // The bench's own sources answered (its autoconfig folder among them).
    expect(r.ok && r.value.sources.map((s) => s.reason)).not.toContain('policy')
  })
})

describe('allowed protocols and security', () => {
  it('IMAP only: discovery offers no POP, and a POP request is refused with policy-protocol', async () => {
    const call = api({ organisation: org, protocols: { incoming: ['imap'] } })
    const r = await call<{ candidates: Array<{ incoming: ServerSettings[] }> }>('discover', {
      runId: 'd',
      address: bench.users.alice.address
    })
    expect(r.ok).toBe(true)
    const protocols = r.ok ? r.value.candidates.flatMap((c) => c.incoming.map((s) => s.protocol)) : []
    expect(protocols).toContain('imap')
    expect(protocols).not.toContain('pop3')
    const pop = await call('verify', {
      runId: 'v',
      address: bench.users.alice.address,
      incoming: [server('pop3', bench.ports.pop3s, 'tls')],
      outgoing: [],
      credentials: password
    })
    expect(pop).toMatchObject({
      ok: false,
      error: { code: 'policy-protocol', protocol: 'pop3', params: { allowed: 'IMAP', organisation: 'Contoso' } }
    })
  })

  it('TLS only: STARTTLS servers are left out of discovery and refused with policy-security', async () => {
    const call = api({ organisation: org, security: { allowed: ['tls'] } })
    const r = await call<{ candidates: Array<{ incoming: ServerSettings[]; outgoing: ServerSettings[] }> }>(
      'discover',
      { runId: 'd', address: bench.users.alice.address }
    )
    const securities = r.ok
      ? r.value.candidates.flatMap((c) => [...c.incoming, ...c.outgoing].map((s) => s.security))
      : []
    expect(securities.length).toBeGreaterThan(0)
    expect(new Set(securities)).toEqual(new Set(['tls']))
    const starttls = await call('verify', {
      runId: 'v',
      address: bench.users.alice.address,
      incoming: [server('imap', bench.ports.imaps, 'tls')],
      outgoing: [server('smtp', bench.ports.submission, 'starttls')],
      credentials: password
    })
    expect(starttls).toMatchObject({
      ok: false,
      error: { code: 'policy-security', port: bench.ports.submission, params: { security: 'starttls', allowed: 'tls' } }
    })
  })

  describe('minimum TLS version', () => {
    let tls12: Server
    let port: number
    beforeAll(async () => {
      // A server that speaks TLS 1.2 at most, with a certificate the bench's CA vouches for.
      const cert = await (await benchCa(bench)).issueCert([bench.mailHost])
      tls12 = createTlsServer({ cert: cert.certPem, key: cert.keyPem, maxVersion: 'TLSv1.2' }, (s) =>
        s.end('* OK IMAP4rev1 ready\r\n')
      )
      await new Promise<void>((resolve) => tls12.listen(0, bench.mailAddress, resolve))
      port = (tls12.address() as { port: number }).port
    })
    afterAll(() => tls12?.close())

    const tlsStep = async (policy: unknown) => {
      const r = await api(policy)<{
        probes: Array<{ steps: Array<{ name: string; state: string }>; diagnosis?: { code: string } }>
      }>('verify', {
        runId: 'v',
        address: bench.users.alice.address,
        incoming: [server('imap', port, 'tls')],
        outgoing: [],
        credentials: password
      })
      const probe = r.ok ? r.value.probes[0] : undefined
      return { tls: probe?.steps.find((s) => s.name === 'tls')?.state, code: probe?.diagnosis?.code }
    }

    it('TLS 1.3 required: a TLS 1.2 server fails the handshake, before any sign-in; without the rule it passes TLS', async () => {
      expect(await tlsStep({ organisation: org, security: { minTlsVersion: 'TLSv1.3' } })).toEqual({
        tls: 'failed',
        code: 'tls-failed'
      })
      expect((await tlsStep({ organisation: org })).tls).toBe('ok')
    })

    it('TLS 1.3 required: Dovecot, which speaks it, still signs in', async () => {
      const r = await api({ organisation: org, security: { minTlsVersion: 'TLSv1.3' } })<{
        incoming?: { certificate?: { tlsVersion?: string } }
      }>('verify', {
        runId: 'v',
        address: bench.users.alice.address,
        incoming: [server('imap', bench.ports.imaps, 'tls')],
        outgoing: [],
        credentials: password
      })
      expect(r.ok && r.value.incoming?.certificate?.tlsVersion).toBe('TLSv1.3')
    })
  })
})

describe('discover and verify in one run (discoverVerify)', () => {
  type Run = {
    discovery: { candidates: Array<{ id: string }> }
    candidateId?: string
    verify?: {
      incoming?: { settings: ServerSettings }
      outgoing?: { settings: ServerSettings }
      probes: Array<{ settings: ServerSettings }>
    }
  }

  it('checks only the locked servers, and refuses another user name for them', async () => {
    const call = api(locked())
    const r = await call<Run>('discoverVerify', {
      runId: 'dv',
      address: alice(),
      credentials: password,
      protocols: ['imap']
    })
    expect(r.ok && r.value.candidateId).toBe('policy')
    const probed = r.ok ? (r.value.verify?.probes ?? []).map((p) => `${p.settings.host}:${p.settings.port}`) : []
    expect(new Set(probed)).toEqual(
      new Set([`${bench.mailHost}:${bench.ports.imaps}`, `${bench.mailHost}:${bench.ports.submission}`])
    )
    expect(r.ok && r.value.verify?.incoming && r.value.verify.outgoing).toBeTruthy()
    expect(
      codeOf(
        await call('discoverVerify', {
          runId: 'dv',
          address: alice(),
          credentials: password,
          protocols: ['imap'],
          username: 'alice'
        })
      )
    ).toBe('policy-locked')
  })

  it('IMAP only refuses POP; TLS only probes no STARTTLS server', async () => {
    expect(
      codeOf(
        await api({ organisation: org, protocols: { incoming: ['imap'] } })('discoverVerify', {
          runId: 'dv',
          address: alice(),
          credentials: password,
          protocols: ['pop3']
        })
      )
    ).toBe('policy-protocol')
    const r = await api({ organisation: org, security: { allowed: ['tls'] } })<Run>('discoverVerify', {
      runId: 'dv',
      address: alice(),
      credentials: password,
      protocols: ['imap']
    })
    const securities = r.ok ? (r.value.verify?.probes ?? []).map((p) => p.settings.security) : []
    expect(securities.length).toBeGreaterThan(0)
    expect(new Set(securities)).toEqual(new Set(['tls']))
    expect(r.ok && r.value.verify?.outgoing?.settings.port).toBe(bench.ports.submissions)
  })
})

describe('export formats and the view the wizard gets', () => {
  it('hidden formats are not listed and their export is refused', async () => {
    const call = api({
      organisation: org,
      exports: { hidden: ['k9s', 'outlook-prf'] },
      defaults: { exportFormat: 'thunderbird-autoconfig', storePassword: false }
    })
    const formats = await call<{ formats: Array<{ id: string }> }>('listFormats', {})
    const ids = formats.ok ? formats.value.formats.map((f) => f.id) : []
    expect(ids).toContain('thunderbird-autoconfig')
    expect(ids).not.toContain('k9s')
    expect(ids).not.toContain('outlook-prf')
    const planned = await call<{ sessionId: string }>('plan', {
      address: bench.users.alice.address,
      incoming: [server('imap', bench.ports.imaps, 'tls')],
      outgoing: [server('smtp', bench.ports.submission, 'starttls')]
    })
    const sessionId = planned.ok ? planned.value.sessionId : ''
    const saved = await call<{ account: { id: string } }>('saveAccount', {
      sessionId,
      unchecked: true,
      storePassword: false
    })
    const accountId = saved.ok ? saved.value.account.id : ''
    expect(await call('exportProfile', { accountId, format: 'k9s' })).toMatchObject({
      ok: false,
      error: { code: 'policy-format-hidden', params: { format: 'k9s' } }
    })
    expect((await call('exportProfile', { accountId, format: 'thunderbird-autoconfig' })).ok).toBe(true)
  })

  it('policySummary carries the organisation, its support contact, the rules and whether the file is managed', async () => {
    const info = await api({ ...locked(), protocols: { incoming: ['imap'] }, defaults: { storePassword: false } })(
      'policySummary',
      {}
    )
    expect(info.ok && info.value).toMatchObject({
      active: true,
      managed: false,
      organisation: 'Contoso',
      support: org.support,
      protocols: ['imap'],
      lockedServers: [
        { domains: [bench.domain], incoming: { host: bench.mailHost, port: bench.ports.imaps, username: 'address' } }
      ],
      defaults: { storePassword: false }
    })
  })
})

describe('an invalid policy file', () => {
  it('is reported with every problem found, and nothing of it applies', async () => {
    const broken = {
      organisation: org,
      protocols: { incoming: ['imap'] },
      exports: { hidden: ['k9s'] },
      // Misspelt, a wrong type, and a locked server the file's own rules forbid.
      lockedServer: [],
      security: { allowed: ['tls'], minTlsVersion: 1.3 },
      lockedServers: [
        {
          domains: [bench.domain],
          incoming: { protocol: 'pop3', host: bench.mailHost, port: 995, security: 'tls' },
          outgoing: { protocol: 'smtp', host: bench.mailHost, port: 587, security: 'starttls' }
        }
      ]
    }
    const call = api(broken)
    const info = await call<{
      active: boolean
      problem?: { issues: string[] }
      protocols?: string[]
      lockedServers: unknown[]
      hiddenFormats: string[]
    }>('policySummary', {})
    expect(info.ok).toBe(true)
    if (!info.ok) return
    const policy = info.value
    expect(policy).toMatchObject({ active: false, lockedServers: [], hiddenFormats: [] })
    expect(policy.protocols).toBeUndefined()
    expect(policy.problem?.issues.join('\n')).toMatch(/lockedServer\b.*|Unrecognized key/)
    expect(policy.problem?.issues.some((i) => i.startsWith('security.minTlsVersion'))).toBe(true)
    // None of its rules: POP, STARTTLS and k9s are all allowed again, the domain is not locked.
    const formats = await call<{ formats: Array<{ id: string }> }>('listFormats', {})
    expect(formats.ok && formats.value.formats.map((f) => f.id)).toContain('k9s')
    const found = await call<{ candidates: Array<{ source: string; incoming: ServerSettings[] }> }>('discover', {
      runId: 'd',
      address: bench.users.alice.address
    })
    expect(found.ok && found.value.candidates.flatMap((c) => c.incoming.map((s) => s.protocol))).toContain('pop3')
    const pop = await call<{ incoming?: unknown }>('verify', {
      runId: 'v',
      address: bench.users.alice.address,
      incoming: [server('pop3', bench.ports.pop3s, 'tls')],
      outgoing: [],
      credentials: password
    })
    expect(pop.ok && Boolean(pop.value.incoming)).toBe(true)
  })

  it('names what is wrong: not JSON, unreadable, contradictions, rules without an organisation', () => {
    const issues = (content: unknown) => readPolicy({ file: policyFile(content), managed: true }).problem?.issues ?? []
    expect(issues('{ "organisation": ')[0]).toMatch(/^not valid JSON/)
    expect(readPolicy({ file: join(dir, 'missing.json'), managed: true }).problem?.issues).toEqual([
      'the file cannot be read (ENOENT)'
    ])
    expect(issues({ protocols: { incoming: ['imap'] } })).toEqual([
      'organisation: name the organisation (organisation.name): protocols are shown as its rules'
    ])
    expect(
      issues({ organisation: { name: 'X' }, exports: { hidden: ['mutt'] }, defaults: { exportFormat: 'mutt' } })
    ).toEqual(['defaults.exportFormat: mutt is also in exports.hidden'])
    expect(issues({ organisation: { name: 'X', support: {} } })[0]).toMatch(
      /^organisation\.support: name at least one way/
    )
    expect(issues({ organisation: { name: 'X', support: { url: 'http://help.example' } } })[0]).toMatch(
      /^organisation\.support\.url/
    )
    // A policy with only OAuth client ids needs no organisation; an empty one is valid.
    expect(
      readPolicy({ file: policyFile({ oauth: { providers: { microsoft: { clientId: 'x' } } } }), managed: false })
        .problem
    ).toBeUndefined()
    expect(readPolicy({ file: policyFile({}), managed: false }).problem).toBeUndefined()
  })
})
