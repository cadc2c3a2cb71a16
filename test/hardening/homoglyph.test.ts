// Homoglyph and bidi defence: bidi controls refused in addresses, mixed-script labels flagged
// per UTS #39 (highly restrictive), both forms of a domain shown — in the CLI as a user runs it.
import { describe, expect, it } from 'vitest'
import { parseAddress } from '../../src/shared/address'
import { domainNotice, mixedScripts } from '../../src/shared/domain-safety'
import { cliInProcess } from '../cli/process'
import en from '../../src/shared/locales/en.json'
import ar from '../../src/shared/locales/ar.json'

describe('addresses', () => {
  it('refuse bidi controls, C1 controls and line separators', () => {
    for (const bad of [
      'user@exa\u202emple.com',
      '\u202Eresu@example.com',
      'us\u2066er@example.com',
      'user@example.com\u200f',
      'us\u0085er@example.com',
      'us\u2028er@example.com',
      'us\x1ber@example.com'
    ]) {
      expect(parseAddress(bad)).toEqual({ ok: false, problem: 'control-character' })
    }
    expect(parseAddress('مستخدم@مثال.com').ok).toBe(true)
    expect(parseAddress('jörg@bücher.de').ok).toBe(true)
  })

  it('has words for the new problem in both languages', () => {
    expect(en.ui.address.problem['control-character']).toBeTruthy()
    expect(ar.ui.address.problem['control-character']).toBeTruthy()
    expect(ar.ui.address.mixedScripts).toContain('{{scripts}}')
  })
})

describe('mixed scripts (UTS #39 highly restrictive)', () => {
  it('flags Cyrillic in a Latin label', () => {
    expect(mixedScripts('аpple')).toEqual(['Cyrillic', 'Latin'])
    expect(mixedScripts('pаypal')).toEqual(['Latin', 'Cyrillic'])
    expect(mixedScripts('gοogle')).toEqual(['Latin', 'Greek'])
  })

  it('accepts single scripts and the CJK mixes with Latin', () => {
    for (const fine of [
      'apple',
      'яндекс',
      'bücher',
      'مثال',
      '例え',
      'ドメイン名例',
      '日本語abc',
      '한국어abc',
      'xn--pple-43d',
      'mail-2'
    ])
      expect(mixedScripts(fine)).toBeUndefined()
  })

  it('shows both forms when they differ, nothing for a plain ASCII domain', () => {
    const a = parseAddress('user@аpple.com')
    if (!a.ok) throw new Error('parse')
    expect(domainNotice(a.domain, a.asciiDomain)).toEqual({
      unicode: 'аpple.com',
      ascii: 'xn--pple-43d.com',
      mixed: [{ label: 'аpple', scripts: ['Cyrillic', 'Latin'] }]
    })
    const b = parseAddress('user@bücher.de')
    if (!b.ok) throw new Error('parse')
    expect(domainNotice(b.domain, b.asciiDomain)).toEqual({
      unicode: 'bücher.de',
      ascii: 'xn--bcher-kva.de',
      mixed: []
    })
    expect(domainNotice('example.com', 'example.com')).toBeUndefined()
  })
})

describe('CLI', () => {
  const run = (argv: string[]) => cliInProcess(argv, { env: { MAIL_SETUP_OFFLINE: '1', MAIL_SETUP_ISP_DIRS: '' } })

  it('names both forms and warns on a mixed-script domain before looking anything up', async () => {
    const res = await run(['discover', 'user@аpple.com', '--offline'])
    expect(res.stderr).toContain('Domain: аpple.com (ASCII form xn--pple-43d.com)')
    expect(res.stderr).toMatch(/WARNING: "аpple" mixes Cyrillic and Latin letters/)
  })

  it('refuses an address with U+202E as a usage error', async () => {
    const res = await run(['discover', 'user@elpmaxe\u202e.com', '--offline'])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('control-character')
    expect(res.stderr).not.toContain('\u202e')
  })
})
