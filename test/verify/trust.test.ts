// Trust what the operating system trusts: a CA found only in the OS bundle (a temporary copy of
// the distribution's bundle plus the bench CA, pointed at by MAIL_SETUP_SYSTEM_CA) or only in
// NODE_EXTRA_CA_CERTS vouches for the bench's real Dovecot, through the same services every door
// builds (loadConfig + createServices), and the certificate says which store vouched. The real
// system store is never touched.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import { buildTrustStore, LINUX_BUNDLES } from '../../src/main/net/trust'
import type { VerifyResult } from '../../src/shared/verify'
import { cliProcess } from '../cli/process'

const bench = inject('bench')
const host = bench.mailHost
let dir: string
let osBundle: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trust-'))
  const system = LINUX_BUNDLES.find((f) => existsSync(f))
  osBundle = join(dir, 'ca-certificates.crt')
  writeFileSync(osBundle, `${system ? readFileSync(system, 'utf8') : ''}\n${bench.ca.certPem}\n`)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The bench env without the app's own extra CA: trust must come from elsewhere. */
function env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...bench.env, MAIL_SETUP_OFFLINE: '1', ...extra }
  delete e.MAIL_SETUP_EXTRA_CA
  for (const k of ['NODE_EXTRA_CA_CERTS', 'MAIL_SETUP_SYSTEM_CA'] as const) if (!(k in extra)) delete e[k]
  return e
}

async function check(extra: NodeJS.ProcessEnv): Promise<VerifyResult> {
  const handlers = createHandlers(createServices(loadConfig(env(extra))), {
    door: 'browser',
    version: 'test',
    emit: () => undefined
  })
  const r = await dispatch(handlers, 'verify', {
    runId: 'trust',
    address: bench.users.alice.address,
    incoming: [
      {
        protocol: 'imap',
        host,
        port: 993,
        security: 'tls',
        username: bench.users.alice.address,
        auth: ['password-cleartext']
      }
    ],
    outgoing: [],
    credentials: { kind: 'none' }
  })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value as VerifyResult
}

describe('trust store', () => {
  it('trusts a CA present only in the OS bundle, and says the system store vouched', async () => {
    const r = await check({ MAIL_SETUP_SYSTEM_CA: osBundle })
    expect(r.diagnosis).toBeUndefined()
    expect(r.incoming?.certificate).toMatchObject({ chainTrusted: true, trustStore: 'system' })
  })

  it('trusts a CA present only in NODE_EXTRA_CA_CERTS', async () => {
    const r = await check({ NODE_EXTRA_CA_CERTS: bench.ca.file })
    expect(r.diagnosis).toBeUndefined()
    expect(r.incoming?.certificate).toMatchObject({ chainTrusted: true, trustStore: 'node-extra' })
  })

  it('trusts neither without them: the same server is untrusted', async () => {
    const r = await check({})
    expect(r.incoming).toBeUndefined()
    expect(r.diagnosis?.code).toBe('cert-untrusted')
  })

  it('keeps the OS bundle in the store and credits each root to one store', () => {
    const store = buildTrustStore({ MAIL_SETUP_SYSTEM_CA: osBundle }, [], 'linux')
    const counts = { system: 0, bundled: 0, 'node-extra': 0, 'app-extra': 0 }
    for (const name of store.origins.values()) counts[name]++
    expect(counts.system).toBeGreaterThan(0)
    expect(store.pems.length).toBe(store.origins.size)
    // Node's bundled roots that the distribution also ships are credited to the OS store.
    expect(counts.system + counts.bundled).toBeGreaterThanOrEqual(100)
    // The TLS context adds to Node's own roots only what they lack: here the bench CA, never a bundled root.
    expect(store.beyondBundled).toContain(bench.ca.certPem.trim())
    expect(store.beyondBundled.some((pem) => rootCertificates.includes(pem))).toBe(false)
    expect(store.beyondBundled.length).toBeLessThan(store.pems.length / 2)
  })

  it.each([
    ['the OS bundle', 'system', () => ({ MAIL_SETUP_SYSTEM_CA: osBundle })],
    ['NODE_EXTRA_CA_CERTS', 'node-extra', () => ({ NODE_EXTRA_CA_CERTS: bench.ca.file })]
  ] as const)('the CLI trusts a CA only in %s too, and says so', async (_what, store, extra) => {
    const res = await cliProcess(
      [
        'verify',
        bench.users.alice.address,
        '--incoming',
        `imaps://${host}:993`,
        '--outgoing',
        `submissions://${host}:465`,
        '--no-save',
        '--json'
      ],
      {
        env: { ...env(extra()), MAIL_SETUP_USER_DATA: dir, MAIL_SETUP_PASSWORD: bench.users.alice.password }
      }
    )
    const doc = JSON.parse(res.stdout)
    expect(doc.result.verify.incoming.certificate.trustStore).toBe(store)
    expect(doc.result.verify.outgoing.certificate.trustStore).toBe(store)
    expect(res.code).toBe(0)
  })
})
