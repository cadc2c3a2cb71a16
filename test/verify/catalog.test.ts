// The diagnosis catalog covers every code in both languages, and the classifier maps the
// replies the providers really send to the codes the catalog explains.
import { describe, expect, it } from 'vitest'
import { DiagnosisCode } from '../../src/shared/diagnosis'
import enFile from '../../src/shared/locales/en.json'
import arFile from '../../src/shared/locales/ar.json'

const en = enFile.diagnosis
const ar = arFile.diagnosis
import {
  classifyImapAuth,
  classifyPop3Auth,
  classifySmtp,
  onlyOAuth,
  parseSmtpReply
} from '../../src/main/diagnosis/classify'

const params = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort()

describe('catalog', () => {
  for (const code of DiagnosisCode.options) {
    it(`${code} has title, what, todo and admin in English and Arabic with the same parameters`, () => {
      for (const field of ['title', 'what', 'todo', 'admin'] as const) {
        const e = (en as Record<string, Record<string, string>>)[code]?.[field]
        const a = (ar as Record<string, Record<string, string>>)[code]?.[field]
        expect(e, `${code}.${field} en`).toBeTruthy()
        expect(a, `${code}.${field} ar`).toMatch(/[\u0600-\u06FF]/)
        expect(params(a!)).toEqual(params(e!))
      }
    })
  }
})

describe('catalog variants', () => {
  it('every word picked by params.context (e.g. todo_module) exists in both languages with the same parameters', () => {
    const variants = Object.entries(en as Record<string, Record<string, string>>).flatMap(([code, entry]) =>
      Object.keys(entry)
        .filter((k) => k.includes('_'))
        .map((k) => [code, k] as const)
    )
    expect(variants.map(([code, k]) => `${code}.${k}`)).toContain('keychain-unavailable.todo_module')
    for (const [code, k] of variants) {
      const e = (en as Record<string, Record<string, string>>)[code]![k]!
      const a = (ar as Record<string, Record<string, string>>)[code]?.[k]
      expect(a, `${code}.${k} ar`).toMatch(/[\u0600-\u06FF]/)
      expect(params(a!)).toEqual(params(e))
    }
  })
})

describe('classifier', () => {
  const smtp: Array<[string, string, string]> = [
    ['535 5.7.8 Authentication credentials invalid', 'auth', 'auth-failed'],
    ['535 5.7.3 Authentication unsuccessful', 'auth', 'password-auth-disabled'],
    ['530 5.7.57 Client not authenticated to send mail', 'mail', 'password-auth-disabled'],
    ['550 5.7.30 Basic authentication is not supported for Client Submission.', 'auth', 'password-auth-disabled'],
    ['534-5.7.9 Application-specific password required.', 'auth', 'app-password-required'],
    [
      '554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied',
      'data',
      'send-as-denied'
    ],
    ['550 5.7.1 Relaying denied', 'rcpt', 'relay-denied'],
    ['421 4.7.0 Try again later, closing connection.', 'auth', 'server-busy'],
    ['454 4.7.0 Too many login attempts, please try again later.', 'auth', 'rate-limited'],
    ['504 5.5.4 Unrecognized authentication type', 'auth', 'auth-mechanism-unsupported'],
    ['530 5.7.0 Must issue a STARTTLS command first', 'auth', 'plaintext-refused']
  ]
  for (const [reply, stage, code] of smtp) {
    it(`SMTP "${reply}" at ${stage} → ${code}`, () => {
      expect(classifySmtp(parseSmtpReply(reply), stage as never)).toBe(code)
    })
  }

  it('IMAP and POP3 response codes', () => {
    expect(classifyImapAuth('A1 NO [AUTHENTICATIONFAILED] Authentication failed.')).toBe('auth-failed')
    expect(classifyImapAuth('A1 NO [UNAVAILABLE] Temporary authentication failure')).toBe('server-busy')
    expect(classifyImapAuth('A1 NO [CONTACTADMIN] Access for this account is disabled')).toBe('protocol-disabled')
    expect(classifyImapAuth('A1 BAD User is authenticated but not connected.')).toBe('protocol-disabled')
    expect(classifyPop3Auth('-ERR [AUTH] Invalid credentials')).toBe('auth-failed')
    expect(classifyPop3Auth('-ERR [IN-USE] Mailbox locked')).toBe('server-busy')
    expect(classifyPop3Auth('-ERR [SYS/TEMP] Try later')).toBe('server-busy')
  })

  it('"slow down" and "locked" answers, which end every further attempt', () => {
    expect(classifyImapAuth('A1 NO [LIMIT] Too many failed logins')).toBe('rate-limited')
    expect(classifyImapAuth('A1 NO [AUTHENTICATIONFAILED] Your account has been locked')).toBe('account-locked')
    expect(classifyPop3Auth('-ERR [LOGIN-DELAY] wait before logging in again')).toBe('rate-limited')
    expect(classifyPop3Auth('-ERR [AUTH] Account is disabled')).toBe('account-locked')
    expect(
      classifySmtp(parseSmtpReply('450 4.7.1 Error: too many AUTH commands from unknown[127.0.0.1]'), 'auth')
    ).toBe('rate-limited')
    expect(classifySmtp(parseSmtpReply('535 5.7.8 Error: authentication failed: account locked out'), 'auth')).toBe(
      'account-locked'
    )
  })

  it('OAuth-only mechanism lists', () => {
    expect(onlyOAuth(['XOAUTH2', 'OAUTHBEARER'])).toBe(true)
    expect(onlyOAuth(['PLAIN', 'XOAUTH2'])).toBe(false)
    expect(onlyOAuth([])).toBe(false)
  })
})
