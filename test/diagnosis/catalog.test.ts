// The one diagnosis catalog: every code has a group, an exit code and words in every locale
// file; every source reason has words; and nothing outside the catalog decides userFixable.
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DiagnosisCode } from '../../src/shared/diagnosis'
import { CATALOG, DIAGNOSIS_GROUPS, diagnose, EXIT, exitFor, inGroup } from '../../src/shared/diagnosis-catalog'
import { SOURCE_REASONS, autodiscoverAsksSignIn } from '../../src/shared/source-reason'
import { SourceReport } from '../../src/shared/domain'
import { toDiagnosis, AppError } from '../../src/main/errors'
import { cliInProcess } from '../cli/process'
import { sourceLines } from './source-lines'

const root = join(__dirname, '..', '..')
const localeDir = join(root, 'src/shared/locales')
const locales = readdirSync(localeDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    name: f,
    data: JSON.parse(readFileSync(join(localeDir, f), 'utf8')) as {
      diagnosis: Record<string, Record<string, string>>
      ui: { sourceReason: Record<string, string> }
    }
  }))

describe('the diagnosis catalog', () => {
  it('has an entry for every code and for nothing else', () => {
    expect(Object.keys(CATALOG).sort()).toEqual([...DiagnosisCode.options].sort())
  })

  it('gives every code a known group and a documented exit code', () => {
    const exits = new Set<number>(Object.values(EXIT))
    for (const code of DiagnosisCode.options) {
      expect(DIAGNOSIS_GROUPS, code).toContain(CATALOG[code].group)
      expect(exits.has(CATALOG[code].exit), code).toBe(true)
      expect(CATALOG[code].exit, code).not.toBe(EXIT.ok)
    }
  })

  it('has words (title, what, todo, admin) for every code in every locale file, and none for unknown codes', () => {
    expect(locales.map((l) => l.name).sort()).toEqual(['ar.json', 'en.json'])
    for (const { name, data } of locales) {
      for (const code of DiagnosisCode.options) {
        for (const part of ['title', 'what', 'todo', 'admin'])
          expect(data.diagnosis[code]?.[part], `${name} diagnosis.${code}.${part}`).toBeTruthy()
      }
      expect(
        Object.keys(data.diagnosis).filter((k) => !(k in CATALOG)),
        name
      ).toEqual([])
    }
  })

  it('has words for every source reason in every locale file, and none for unknown reasons', () => {
    for (const { name, data } of locales) {
      for (const reason of SOURCE_REASONS)
        expect(data.ui.sourceReason[reason], `${name} ui.sourceReason.${reason}`).toBeTruthy()
      expect(
        Object.keys(data.ui.sourceReason).filter((k) => !(SOURCE_REASONS as readonly string[]).includes(k)),
        name
      ).toEqual([])
    }
  })

  it('a source reason outside the list is refused by the contract (it would reach users raw)', () => {
    expect(SourceReport.safeParse({ source: 'autodiscover', state: 'failed', reason: 'http-401' }).success).toBe(true)
    expect(SourceReport.safeParse({ source: 'autodiscover', state: 'failed', reason: 'made-up-reason' }).success).toBe(
      false
    )
  })

  it('builds every diagnosis with the catalog’s userFixable, whatever the caller says', () => {
    for (const code of DiagnosisCode.options) expect(diagnose(code).userFixable, code).toBe(CATALOG[code].fixable)
    const forced = diagnose('cancelled', { userFixable: false } as never)
    expect(forced.userFixable).toBe(CATALOG.cancelled.fixable)
    expect(new AppError({ code: 'no-settings-found', userFixable: false } as never).diagnosis.userFixable).toBe(
      CATALOG['no-settings-found'].fixable
    )
    const abort = Object.assign(new Error('stop'), { name: 'AbortError' })
    expect(toDiagnosis(abort)).toEqual({ code: 'cancelled', userFixable: CATALOG.cancelled.fixable })
  })

  it('answers the questions the wizard used to keep lists for', () => {
    expect(inGroup('auth-failed', 'sign-in')).toBe(true)
    expect(inGroup('oauth-token-refused', 'sign-in')).toBe(true)
    expect(inGroup('connection-refused', 'sign-in')).toBe(false)
    const trustable = DiagnosisCode.options.filter((c) => CATALOG[c].trustable)
    expect(trustable.sort()).toEqual(['cert-self-signed', 'cert-untrusted', 'cert-wrong-host'])
    expect(trustable.every((c) => inGroup(c, 'certificate'))).toBe(true)
    expect(autodiscoverAsksSignIn({ source: 'autodiscover', state: 'nothing', reason: 'http-401' })).toBe(true)
    expect(autodiscoverAsksSignIn({ source: 'autodiscover', state: 'found', reason: 'http-401' })).toBe(false)
    expect(autodiscoverAsksSignIn({ source: 'autoconfig-https', state: 'nothing', reason: 'http-401' })).toBe(false)
  })

  it('the CLI exits with the catalog’s code for its failure', async () => {
    const env = { ...process.env, MAIL_SETUP_USER_DATA: join(root, '.no-such-user-data') }
    const { code, stdout } = await cliInProcess(['export', 'nobody@example.test', '--format', 'msmtp', '--json'], {
      env
    })
    const doc = JSON.parse(stdout) as { error: { code: DiagnosisCode }; exitCode: number }
    expect(doc.error.code).toBe('account-not-found')
    expect(code).toBe(exitFor('account-not-found'))
    expect(doc.exitCode).toBe(CATALOG['account-not-found'].exit)
  })

  it('no file outside the catalog sets userFixable itself', () => {
    const outside = sourceLines().filter((l) => !/^src\/shared\/diagnosis(-catalog)?\.ts$/.test(l.file))
    expect(outside.filter((l) => /userFixable\s*:/.test(l.text)).map((l) => `${l.file}:${l.line}`)).toEqual([])
  })
})
