// The loopback redirect listener, spoken to over real HTTP as a browser would.
import { describe, expect, it } from 'vitest'
import { connect } from 'node:net'
import { startRedirectListener, CALLBACK_PATH } from '../../src/main/oauth/loopback'
import { AppError } from '../../src/main/errors'
import { codeOf } from '../expect/diagnosis'

async function get(url: string): Promise<{ status: number; text: string; csp: string | null }> {
  const res = await fetch(url)
  return { status: res.status, text: await res.text(), csp: res.headers.get('content-security-policy') }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    s.once('connect', () => (s.destroy(), resolve(false)))
    s.once('error', () => resolve(true))
  })
}

const portOf = (uri: string): number => Number(new URL(uri).port)

describe('loopback redirect listener', () => {
  it('listens on 127.0.0.1 at a free port and hands over the code once the state matches', async () => {
    const l = await startRedirectListener({ state: 'abc123', timeoutMs: 10_000 })
    const uri = new URL(l.redirectUri)
    expect(uri.protocol).toBe('http:')
    expect(uri.hostname).toBe('127.0.0.1')
    expect(uri.pathname).toBe(CALLBACK_PATH)
    expect(portOf(l.redirectUri)).toBeGreaterThan(0)
    const page = await get(`${l.redirectUri}?code=the-code&state=abc123`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('You can close this tab')
    expect(page.csp).toContain("default-src 'none'")
    await expect(l.result).resolves.toEqual({ code: 'the-code' })
    expect(await refused(portOf(l.redirectUri))).toBe(true)
  })

  it('ignores other paths and methods and keeps waiting', async () => {
    const l = await startRedirectListener({ state: 's1', timeoutMs: 10_000 })
    const base = new URL(l.redirectUri)
    expect((await get(`${base.origin}/favicon.ico`)).status).toBe(404)
    expect((await fetch(`${l.redirectUri}?code=c&state=s1`, { method: 'POST' })).status).toBe(404)
    await get(`${l.redirectUri}?code=c2&state=s1`)
    await expect(l.result).resolves.toEqual({ code: 'c2' })
  })

  it('refuses a wrong or missing state without ending the pending sign-in; the real answer still completes it', async () => {
    const l = await startRedirectListener({ state: 'expected', timeoutMs: 10_000 })
    const page = await get(`${l.redirectUri}?code=c&state=forged`)
    expect(page.status).toBe(400)
    expect(page.text).toContain('Sign-in not accepted')
    // A local program cannot cancel it either, with an error and no state.
    expect((await get(`${l.redirectUri}?error=access_denied`)).status).toBe(400)
    expect((await get(`${l.redirectUri}?error=access_denied&state=other`)).status).toBe(400)
    expect((await get(`${l.redirectUri}?code=real&state=expected`)).status).toBe(200)
    expect(await l.result).toEqual({ code: 'real' })
    expect(await refused(portOf(l.redirectUri))).toBe(true)
  })

  it('ends in oauth-state-mismatch at the deadline when only answers with a wrong state came', async () => {
    const l = await startRedirectListener({ state: 'expected', timeoutMs: 600 })
    await get(`${l.redirectUri}?code=c&state=forged`)
    expect(await codeOf(l.result)).toBe('oauth-state-mismatch')
  })

  it('refuses an answer naming another issuer (RFC 9207 iss)', async () => {
    const l = await startRedirectListener({ state: 's', issuer: 'https://id.example.test', timeoutMs: 10_000 })
    await get(`${l.redirectUri}?code=c&state=s&iss=${encodeURIComponent('https://evil.example.test')}`)
    expect(await codeOf(l.result)).toBe('oauth-state-mismatch')
  })

  it('accepts the right issuer when the server names it', async () => {
    const l = await startRedirectListener({ state: 's', issuer: 'https://id.example.test', timeoutMs: 10_000 })
    await get(`${l.redirectUri}?code=c&state=s&iss=${encodeURIComponent('https://id.example.test')}`)
    await expect(l.result).resolves.toEqual({ code: 'c' })
  })

  it('turns access_denied into oauth-denied', async () => {
    const l = await startRedirectListener({ state: 's', timeoutMs: 10_000 })
    const page = await get(`${l.redirectUri}?error=access_denied&error_description=End-User+aborted&state=s`)
    expect(page.text).toContain('Nothing was changed')
    expect(await codeOf(l.result)).toBe('oauth-denied')
  })

  it('turns other authorization-server errors into oauth-server-error with the server words', async () => {
    const l = await startRedirectListener({ state: 's', timeoutMs: 10_000 })
    await get(`${l.redirectUri}?error=temporarily_unavailable&error_description=try+later&state=s`)
    const err = await l.result.catch((e: AppError) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).diagnosis.code).toBe('oauth-server-error')
    expect((err as AppError).diagnosis.serverSays).toBe('temporarily_unavailable: try later')
  })

  it('treats a redirect without a code as oauth-server-error', async () => {
    const l = await startRedirectListener({ state: 's', timeoutMs: 10_000 })
    await get(`${l.redirectUri}?state=s`)
    expect(await codeOf(l.result)).toBe('oauth-server-error')
  })

  it('gives up with oauth-cancelled when the browser never comes back, and stops listening', async () => {
    const l = await startRedirectListener({ state: 's', timeoutMs: 300 })
    const err = await l.result.catch((e: AppError) => e)
    expect((err as AppError).diagnosis.code).toBe('oauth-cancelled')
    expect((err as AppError).diagnosis.params?.seconds).toBeDefined()
    expect(await refused(portOf(l.redirectUri))).toBe(true)
  })

  it('stops with oauth-cancelled when the run is cancelled', async () => {
    const ac = new AbortController()
    const l = await startRedirectListener({ state: 's', timeoutMs: 60_000, signal: ac.signal })
    ac.abort()
    expect(await codeOf(l.result)).toBe('oauth-cancelled')
    expect(await refused(portOf(l.redirectUri))).toBe(true)
  })

  it('answers only the first redirect', async () => {
    const l = await startRedirectListener({ state: 's', timeoutMs: 10_000 })
    await get(`${l.redirectUri}?code=first&state=s`)
    await expect(l.result).resolves.toEqual({ code: 'first' })
    // Port closed now; a second answer cannot reach the app.
    await expect(fetch(`${l.redirectUri}?code=second&state=s`)).rejects.toThrow()
  })
})
