// The setup session through `dispatch`, as every door uses it, against the bench's real servers
// (Dovecot for bench addresses; Cyrus and Postfix, which sign in by the local part, for
// carol@other.test found by SRV): clients send choices and get views; main keeps what it found
// and verified, builds the account from that record, stamps the time, and writes reports and
// exported files from its own record. Requests that carry main's data back are refused.
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHandlers, dispatch, type Handlers } from '../../src/main/api/handlers'
import { createServices } from '../../src/main/services'
import { loadConfig } from '../../src/main/config'
import type { EventName } from '../../src/shared/api'
import type { Account, ExportFile } from '../../src/shared/account'
import type { DiscoveryResult } from '../../src/shared/domain'
import type { VerifyResult } from '../../src/shared/verify'

const bench = inject('bench')
let handlers: Handlers
const events: Array<{ event: EventName; payload: unknown }> = []
const savedFiles: string[] = []
const dir = mkdtempSync(join(tmpdir(), 'setup-session-'))

beforeAll(() => {
  const env = {
    ...process.env,
    ...bench.env,
    MAIL_SETUP_USER_DATA: join(dir, 'user'),
    MAIL_SETUP_ISPDB_URL: 'https://ispdb.invalid/v1.1/'
  }
  handlers = createHandlers(createServices(loadConfig(env)), {
    door: 'window',
    version: 'test',
    emit: (event, payload) => events.push({ event, payload }),
    // The window's save dialog: the user picks a path.
    chooseSavePath: async (name) => {
      const path = join(dir, `${savedFiles.length}-${name}`)
      savedFiles.push(path)
      return path
    }
  })
})

async function ok<T>(name: string, request: unknown): Promise<T> {
  const result = await dispatch(handlers, name, request)
  if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`)
  return result.value as T
}

async function refusal(name: string, request: unknown): Promise<{ code: string; detail?: string }> {
  const result = await dispatch(handlers, name, request)
  if (result.ok) throw new Error(`${name} should have been refused`)
  return result.error
}

type Found = DiscoveryResult & { sessionId: string }
type Checked = VerifyResult & { sessionId: string }
const discoveries = (): number =>
  events.filter((e) => e.event === 'discovery' && (e.payload as { kind: string }).kind === 'source').length

describe('setup session', () => {
  it('saves exactly the servers it verified, stamped by main, and never searches again to check', async () => {
    const { address, password } = bench.users.alice
    const found = await ok<Found>('discover', { runId: 's1', address, deadlineMs: 4000 })
    const candidate = found.candidates.find((c) => c.trust.level === 'trusted')!
    const searched = discoveries()
    expect(searched).toBeGreaterThan(0)

    const before = new Date().toISOString()
    const checked = await ok<Checked>('verify', {
      runId: 'v1',
      sessionId: found.sessionId,
      choices: { candidateId: candidate.id, protocol: 'imap' },
      credentials: { kind: 'password', password }
    })
    // The check named a candidate by id: no discovery ran again.
    expect(discoveries()).toBe(searched)
    expect(checked.sessionId).toBe(found.sessionId)
    expect(checked.incoming?.state).toBe('ok')

    const saved = await ok<{ account: Account; keychain: { stored: boolean } }>('saveAccount', {
      sessionId: found.sessionId,
      displayName: ' Alice ',
      storePassword: true
    })
    const after = new Date().toISOString()
    expect(saved.account.incoming).toEqual(checked.incoming!.settings)
    expect(saved.account.outgoing).toEqual(checked.outgoing!.settings)
    expect(saved.account).toMatchObject({
      address,
      displayName: 'Alice',
      authKind: 'password',
      source: candidate.source,
      secretStored: true
    })
    expect(saved.account.verifiedAt! >= before && saved.account.verifiedAt! <= after).toBe(true)
    expect(saved.keychain.stored).toBe(true)

    // export(format): the window's save writes what main exports again, byte for byte.
    const file = await ok<ExportFile>('exportProfile', { accountId: saved.account.id, format: 'msmtp' })
    const written = await ok<{ saved: boolean; path: string }>('saveExport', {
      accountId: saved.account.id,
      format: 'msmtp'
    })
    expect(written.saved).toBe(true)
    expect(readFileSync(written.path, 'utf8')).toBe(file.content)
    expect(file.content).not.toContain(password)
  })

  it('takes the user name form the server accepted (Cyrus and Postfix: the local part)', async () => {
    const { address, password, login } = bench.second.users.carol
    const found = await ok<Found>('discover', { runId: 's2', address, deadlineMs: 4000 })
    expect(found.candidates.some((c) => c.source === 'srv' && c.trust.level === 'trusted')).toBe(true)
    const checked = await ok<Checked>('verify', {
      runId: 'v2',
      sessionId: found.sessionId,
      choices: { protocol: 'imap' },
      credentials: { kind: 'password', password }
    })
    expect(checked.incoming?.usernameForm).toBe('local-part')
    const { account } = await ok<{ account: Account }>('saveAccount', {
      sessionId: found.sessionId,
      storePassword: false
    })
    expect(account.incoming).toMatchObject({ host: bench.second.host, username: login })
    expect(account.outgoing).toMatchObject({ host: bench.second.host, username: login })
    expect(account.incoming).toEqual(checked.incoming!.settings)
  })

  it('refuses requests that carry servers, times, results or bytes main produced', async () => {
    const { address, password } = bench.users.bob
    const found = await ok<Found>('discover', { runId: 's3', address, deadlineMs: 4000 })
    const forged = {
      protocol: 'imap',
      host: 'evil.example',
      port: 993,
      security: 'tls',
      username: address,
      auth: ['password-cleartext']
    }
    const sessionId = found.sessionId
    for (const [op, request] of [
      [
        'saveAccount',
        {
          sessionId,
          storePassword: false,
          account: { address, displayName: '', incoming: forged, outgoing: forged, authKind: 'password' }
        }
      ],
      ['saveAccount', { sessionId, storePassword: false, verifiedAt: '1999-01-01T00:00:00.000Z' }],
      ['saveAccount', { sessionId, storePassword: false, incoming: forged }],
      ['diagnosticReport', { sessionId, address, discovery: found }],
      [
        'saveExport',
        {
          accountId: 'x',
          format: 'msmtp',
          file: { format: 'msmtp', fileName: 'x', mimeType: 'text/plain', encoding: 'utf8', content: 'forged' }
        }
      ],
      [
        'verify',
        {
          runId: 'v3',
          sessionId,
          choices: { candidateId: found.candidates[0]!.id, host: 'evil.example' },
          credentials: { kind: 'none' }
        }
      ]
    ] as const) {
      expect((await refusal(op, request)).detail, `${op} ${JSON.stringify(request).slice(0, 80)}`).toMatch(
        /^invalid request/
      )
    }
    // Nothing verified yet: nothing to save.
    expect((await refusal('saveAccount', { sessionId, storePassword: false })).detail).toMatch(/nothing signed in/)
    // A wrong password: the check is kept for the report, but there is still nothing to save.
    const wrong = await ok<Checked>('verify', {
      runId: 'v4',
      sessionId,
      choices: { protocol: 'imap' },
      credentials: { kind: 'password', password: `${password}-wrong` }
    })
    expect(wrong.diagnosis?.code).toBe('auth-failed')
    expect((await refusal('saveAccount', { sessionId, storePassword: false })).detail).toMatch(/nothing signed in/)

    // report(): from main's record of this session, every source and probe, no password.
    const { text } = await ok<{ text: string }>('diagnosticReport', { sessionId })
    expect(text).toContain(`Address: ${address}`)
    for (const s of found.sources) expect(text).toContain(`${s.source}: ${s.state}`)
    for (const p of wrong.probes) expect(text).toContain(`${p.settings.host}:${p.settings.port}`)
    expect(text).toContain('[auth-failed]')
    expect(text).not.toContain(password)
    // An unknown session is refused, not answered with an empty report.
    expect((await refusal('diagnosticReport', { sessionId: 'no-such-session' })).detail).toMatch(/session has ended/)
  })

  it('a new plan drops the check: a save then cannot take servers that were not checked as planned', async () => {
    const { address, password } = bench.users.alice
    const found = await ok<Found>('discover', { runId: 's5', address, deadlineMs: 4000 })
    await ok<Checked>('verify', {
      runId: 'v5',
      sessionId: found.sessionId,
      choices: { protocol: 'imap' },
      credentials: { kind: 'password', password }
    })
    const planned = await ok<{ incoming: Array<{ protocol: string }> }>('plan', {
      sessionId: found.sessionId,
      choices: { protocol: 'pop3' }
    })
    expect(planned.incoming.every((s) => s.protocol === 'pop3')).toBe(true)
    expect((await refusal('saveAccount', { sessionId: found.sessionId, storePassword: false })).detail).toMatch(
      /nothing signed in/
    )
    // Saved unchecked on purpose: the planned POP3 server, and no verifiedAt.
    const { account } = await ok<{ account: Account }>('saveAccount', {
      sessionId: found.sessionId,
      storePassword: false,
      unchecked: true
    })
    expect(account.incoming.protocol).toBe('pop3')
    expect(account.verifiedAt).toBeUndefined()
  })
})
