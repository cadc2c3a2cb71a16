// The thin path through every main-side layer, as the window and browser mode use it:
// address → settings → IMAP and SMTP sign-in → password in the real keychain →
// Thunderbird autoconfig export — all through `dispatch`, against the bench.
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { createHandlers, dispatch, type Handlers } from '../../src/main/api/handlers'
import { createServices } from '../../src/main/services'
import { loadConfig } from '../../src/main/config'
import { parseAutoconfig } from '../../src/main/discovery/autoconfig'
import type { EventName } from '../../src/shared/api'

const bench = inject('bench')
let handlers: Handlers
const events: Array<{ event: EventName; payload: unknown }> = []

async function ok<T>(name: string, request: unknown): Promise<T> {
  const result = await dispatch(handlers, name, request)
  if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`)
  return result.value as T
}

beforeAll(() => {
  const userData = mkdtempSync(join(tmpdir(), 'thin-'))
  const config = loadConfig({ ...process.env, ...bench.env, MAIL_SETUP_USER_DATA: userData, MAIL_SETUP_OFFLINE: '1' })
  handlers = createHandlers(createServices(config), {
    door: 'browser',
    version: 'test',
    emit: (event, payload) => events.push({ event, payload })
  })
})

describe('thin path', () => {
  it('goes from an address to a verified, stored, exported account', async () => {
    const { address, password } = bench.users.alice

    const found = await ok<{
      sessionId: string
      candidates: Array<{ id: string; source: string; trust: { level: string } }>
    }>('discover', { runId: 'd1', address })
    const best = found.candidates[0]!
    expect(best.source).toBe('local-file')
    expect(best.trust.level).toBe('trusted')
    expect(events.some((e) => e.event === 'discovery')).toBe(true)

    // The check names the candidate by id: main plans from what it found.
    const verified = await ok<{
      sessionId: string
      incoming?: { settings: { host: string; port: number } }
      outgoing?: { settings: { host: string } }
      probes: Array<{ transcript: Array<{ text: string }> }>
    }>('verify', {
      runId: 'v1',
      sessionId: found.sessionId,
      choices: { candidateId: best.id, protocol: 'imap' },
      credentials: { kind: 'password', password }
    })
    expect(verified.incoming?.settings.host).toBe(bench.mailHost)
    expect(verified.outgoing?.settings.host).toBe(bench.mailHost)
    // The password never comes back, not in a probe, not in a transcript, not in an event.
    expect(JSON.stringify(verified)).not.toContain(password)
    expect(JSON.stringify(events)).not.toContain(password)

    // Main builds the account from what the session verified.
    const saved = await ok<{ account: { id: string }; keychain: { stored: boolean } }>('saveAccount', {
      sessionId: found.sessionId,
      displayName: 'Alice',
      storePassword: true
    })
    expect(saved.keychain.stored).toBe(true)
    // The real Secret Service holds it under the documented service name (among what other tests stored).
    const stored = execFileSync('secret-tool', ['search', '--all', 'service', bench.env.MAIL_SETUP_KEYCHAIN_SERVICE!], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    })
    expect(stored).toContain(address)

    const file = await ok<{ content: string; fileName: string }>('exportProfile', {
      accountId: saved.account.id,
      format: 'thunderbird-autoconfig'
    })
    const back = parseAutoconfig(file.content, address)
    expect(back.incoming[0]).toMatchObject({
      protocol: 'imap',
      host: bench.mailHost,
      port: verified.incoming!.settings.port
    })
    expect(back.outgoing[0]).toMatchObject({ protocol: 'smtp', host: bench.mailHost })
    expect(file.content).not.toContain(password)
  })

  it('refuses to reuse a session password that was never given', async () => {
    const result = await dispatch(handlers, 'verify', {
      runId: 'v2',
      address: bench.users.bob.address,
      incoming: [],
      outgoing: [],
      credentials: { kind: 'session' }
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'auth-failed' } })
  })
})
