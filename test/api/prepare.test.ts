// The prepare operation (what the wizard's sign-in step asks for when it appears): while the
// user types the password, main connects to the servers the check will try first, up to their
// sign-in and with no credential, and the session's next verify signs in on those very
// connections. Through the API's own dispatch, against the bench's real Dovecot and submission
// behind a relay that counts connections; Dovecot's own log says when a user name arrived.
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createHandlers, dispatch, type Handlers } from '../../src/main/api/handlers'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import { HANDED_OVER } from '../../src/main/verify/warm'
import type { ServerSettings } from '../../src/shared/domain'
import type { VerifyResult } from '../../src/shared/verify'
import { startCountingRelay, type CountingRelay } from '../fakes/counting-relay'
import { startWorld, type World } from '../world/compose'

const bench = inject('bench')
const alice = bench.users.alice
let w: World
let relay: CountingRelay
let handlers: Handlers

beforeAll(async () => {
  w = await startWorld(bench)
  relay = await startCountingRelay(bench.mailAddress, [993, 465])
  w.onStop(() => relay.close())
  w.name(bench.mailHost, relay.host)
  const config = loadConfig(
    {},
    { dnsServers: [w.dns.server], extraCaPem: [w.ca.certPem], ispDirs: [], userDataDir: w.dir }
  )
  handlers = createHandlers(createServices(config), { door: 'browser', version: 'test', emit: () => undefined })
})
afterAll(() => w?.stop())

const server = (protocol: 'imap' | 'smtp', port: number): ServerSettings => ({
  protocol,
  host: bench.mailHost,
  port,
  security: 'tls',
  username: alice.address,
  auth: ['password-cleartext']
})
const typed = { incoming: [server('imap', 993)], outgoing: [server('smtp', 465)] }

async function until(ok: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await ok())) await new Promise((r) => setTimeout(r, 5))
}
const log = (): Promise<string> => readFile(bench.dovecot.log, 'utf8')

async function call<T>(op: string, req: unknown): Promise<T> {
  const r = await dispatch(handlers, op as Parameters<typeof dispatch>[1], req)
  if (!r.ok) throw new Error(`${op}: ${JSON.stringify(r.error)}`)
  return r.value as T
}

const check = (sessionId: string, exceptions: unknown[] = []): Promise<VerifyResult> =>
  call<VerifyResult>('verify', {
    runId: `run-${Math.random()}`,
    sessionId,
    ...typed,
    credentials: { kind: 'password', password: alice.password },
    exceptions
  })

describe('prepare', () => {
  it('connects while the password is typed, sends no user name, and the check signs in on those connections', async () => {
    relay.reset()
    const from = (await log()).length
    const prepared = await call<{ sessionId: string; opening: number }>('prepare', { address: alice.address, ...typed })
    expect(prepared.opening).toBe(2)
    await until(() => relay.total.get(993) === 1 && relay.total.get(465) === 1)
    expect((await log()).slice(from)).not.toMatch(/user=<alice/)

    const result = await check(prepared.sessionId)
    expect(result.incoming?.state).toBe('ok')
    expect(result.outgoing?.state).toBe('ok')
    // No connection of its own: it signed in on the prepared ones.
    expect(relay.total.get(993)).toBe(1)
    expect(relay.total.get(465)).toBe(1)
    for (const p of [result.incoming!, result.outgoing!]) expect(p.transcript.map((l) => l.text)).toContain(HANDED_OVER)

    // Used once: the next check of the session connects anew.
    const again = await check(prepared.sessionId)
    expect(again.incoming?.state).toBe('ok')
    expect(relay.total.get(993)).toBe(2)
    expect(again.incoming!.transcript.map((l) => l.text)).not.toContain(HANDED_OVER)
  })

  it('closes what an earlier prepare held when asked again', async () => {
    relay.reset()
    const first = await call<{ sessionId: string }>('prepare', { address: alice.address, ...typed })
    await until(() => relay.total.get(993) === 1)
    await call('prepare', { sessionId: first.sessionId, ...typed })
    await until(() => relay.total.get(993) === 2)
    // The first connection went; one stays held for the check.
    await until(() => relay.open.get(993) === 1)
    const result = await check(first.sessionId)
    expect(result.incoming?.state).toBe('ok')
    expect(relay.total.get(993)).toBe(2)
  })

  it('a check under other trust decisions than the prepared connection had connects anew', async () => {
    relay.reset()
    const prepared = await call<{ sessionId: string }>('prepare', { address: alice.address, ...typed })
    await until(() => relay.total.get(993) === 1 && relay.total.get(465) === 1)
    // The user now trusts a certificate for 993 by its fingerprint: the prepared 993 proves nothing for it.
    const result = await check(prepared.sessionId, [{ host: bench.mailHost, port: 993, fingerprint256: 'AB:CD' }])
    expect(result.incoming?.state).toBe('ok')
    expect(relay.total.get(993)).toBe(2)
    expect(result.incoming!.transcript.map((l) => l.text)).not.toContain(HANDED_OVER)
    // 465 was opened under the same decisions (none): taken over.
    expect(relay.total.get(465)).toBe(1)
  })

  it('refuses a request with anything more than the plan asks for', async () => {
    const r = await dispatch(handlers, 'prepare', { address: alice.address, ...typed, credentials: { kind: 'none' } })
    expect(r.ok).toBe(false)
  })
})
