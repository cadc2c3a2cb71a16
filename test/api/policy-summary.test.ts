// The policySummary operation: what the wizard may know of the policy in force. Its request is
// validated like every other (nothing but an empty object), and its answer is parsed with the
// shared schema on the way out, so OAuth client ids and scopes from the same file never reach
// the page. Through the API's own dispatch, on real policy files read from disk.
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import type { PolicyView } from '../../src/shared/policy'
import type { Result } from '../../src/shared/api'
import { CONTOSO_ORG, policyFolder } from '../policy/files'

const { dir, write: fileWith } = policyFolder('policy-summary-')

/** The API of an app whose policy is `file` (managed: as if found in the system location). */
function api(file?: string, managed = false) {
  const env = { ...process.env, MAIL_SETUP_USER_DATA: mkdtempSync(join(dir, 'data-')), MAIL_SETUP_POLICY: '' }
  const config = { ...loadConfig(env), policyFile: file, policyManaged: managed }
  const handlers = createHandlers(createServices(config), { door: 'browser', version: 'test', emit: () => undefined })
  return (req: unknown): Promise<Result<PolicyView>> =>
    dispatch(handlers, 'policySummary', req) as Promise<Result<PolicyView>>
}

const SECRET_ID = 'client-id-that-must-stay-in-main'
const full = {
  version: 1,
  organisation: CONTOSO_ORG,
  defaults: { exportFormat: 'thunderbird-autoconfig', storePassword: false },
  lockedServers: [
    {
      domains: ['contoso.example'],
      incoming: { protocol: 'imap', host: 'mail.contoso.example', port: 993, security: 'tls', username: 'local' },
      outgoing: { protocol: 'smtp', host: 'mail.contoso.example', port: 465, security: 'tls' }
    }
  ],
  protocols: { incoming: ['imap'] },
  security: { allowed: ['tls'], minTlsVersion: 'TLSv1.3' },
  exports: { hidden: ['outlook-prf', 'k9s'] },
  oauth: {
    providers: { microsoft: { clientId: SECRET_ID, tenant: 'contoso.onmicrosoft.com' } },
    issuers: { 'login.contoso.example': { clientId: SECRET_ID, scope: 'openid secret-scope' } }
  }
}

describe('policySummary: the request', () => {
  it('takes an empty object (or nothing) and refuses anything else before the handler runs', async () => {
    const call = api(fileWith(full))
    expect((await call({})).ok).toBe(true)
    expect((await call(undefined)).ok).toBe(true)
    for (const bad of [{ organisation: 'Evil' }, { file: '/etc/passwd' }, [], 'x', 42]) {
      const res = await call(bad)
      expect(res.ok, JSON.stringify(bad)).toBe(false)
      if (!res.ok) {
        expect(res.error.code).toBe('internal')
        expect(res.error.detail).toMatch(/^invalid request/)
      }
    }
  })
})

describe('policySummary: the answer', () => {
  it('without a policy file: nothing active, nothing locked or hidden', async () => {
    const res = await api()({})
    expect(res).toEqual({
      ok: true,
      value: { active: false, managed: false, lockedServers: [], hiddenFormats: [], defaults: {} }
    })
  })

  it('names the organisation, whom to ask, every rule and the file, and never the OAuth settings', async () => {
    const file = fileWith(full)
    const res = await api(file, true)({})
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect(res.value).toEqual({
      active: true,
      managed: true,
      file,
      organisation: 'Contoso',
      support: full.organisation.support,
      protocols: ['imap'],
      security: ['tls'],
      minTlsVersion: 'TLSv1.3',
      lockedServers: [
        {
          domains: ['contoso.example'],
          incoming: { protocol: 'imap', host: 'mail.contoso.example', port: 993, security: 'tls', username: 'local' },
          outgoing: { protocol: 'smtp', host: 'mail.contoso.example', port: 465, security: 'tls', username: 'address' }
        }
      ],
      hiddenFormats: ['outlook-prf', 'k9s'],
      defaults: { exportFormat: 'thunderbird-autoconfig', storePassword: false }
    })
    const text = JSON.stringify(res.value)
    expect(text).not.toContain(SECRET_ID)
    expect(text).not.toContain('secret-scope')
    expect(text).not.toContain('oauth')
  })

  it('a file that cannot be used: every problem and where it is, and none of its rules', async () => {
    const file = fileWith({
      ...full,
      // A support page over plain HTTP could be swapped on the way: the file is refused, not the link dropped.
      organisation: { name: 'Contoso', support: { url: 'http://help.contoso.example/' } },
      exports: { hidden: ['no-such-format'] },
      lockedServer: []
    })
    const res = await api(file, true)({})
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect(res.value).toMatchObject({ active: false, managed: true, file, lockedServers: [], hiddenFormats: [] })
    expect(res.value.organisation).toBeUndefined()
    expect(res.value.support).toBeUndefined()
    expect(res.value.protocols).toBeUndefined()
    expect(res.value.problem?.file).toBe(file)
    const issues = res.value.problem?.issues ?? []
    expect(issues.some((i) => i.startsWith('organisation.support.url'))).toBe(true)
    expect(issues.some((i) => i.startsWith('exports.hidden'))).toBe(true)
    expect(issues.some((i) => /lockedServer\b/.test(i))).toBe(true)
    expect(JSON.stringify(res.value)).not.toContain(SECRET_ID)
  })

  it('a file that is not JSON is reported the same way', async () => {
    const file = fileWith('{ "organisation": ')
    const res = await api(file)({})
    expect(res.ok && res.value.problem?.issues[0]).toMatch(/^not valid JSON/)
    expect(res.ok && res.value.active).toBe(false)
  })
})

describe('the support page the policy names', () => {
  it('is one the window may open in the system browser; a page beside it is not', async () => {
    const env = { ...process.env, MAIL_SETUP_USER_DATA: mkdtempSync(join(dir, 'data-')), MAIL_SETUP_POLICY: '' }
    const opened: string[] = []
    const handlers = createHandlers(createServices({ ...loadConfig(env), policyFile: fileWith(full) }), {
      door: 'window',
      version: 'test',
      emit: () => undefined,
      openExternal: async (url) => (opened.push(url), true)
    })
    const open = (url: string) => dispatch(handlers, 'openExternal', { url })
    expect(await open('https://help.contoso.example/mail?from=card')).toEqual({ ok: true, value: { opened: true } })
    expect(await open('https://evil.contoso.example/mail')).toEqual({ ok: true, value: { opened: false } })
    expect(await open('http://help.contoso.example/mail')).toEqual({ ok: true, value: { opened: false } })
    expect(opened).toEqual(['https://help.contoso.example/mail?from=card'])
  })
})
