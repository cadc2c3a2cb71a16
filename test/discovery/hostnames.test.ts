// The user-approval facts: registrable domains and look-alike host names (src/shared/hostnames.ts).
import { domainToUnicode } from 'node:url'
import { describe, expect, it } from 'vitest'
import { decodeLabel, hostFacts, lookalike, registrableDomain, unicodeHost } from '../../src/shared/hostnames'

describe('host names shown for approval', () => {
  it('names the registrable domain, public suffixes with two labels included', () => {
    expect(registrableDomain('imap.mail.example.co.uk')).toBe('example.co.uk')
    expect(registrableDomain('login.microsoftonline.com')).toBe('microsoftonline.com')
    expect(registrableDomain('127.0.0.1')).toBe('127.0.0.1')
  })

  it('decodes Punycode as Node does', () => {
    for (const h of [
      'xn--mnchen-3ya.de',
      'xn--80ak6aa92e.com',
      'xn--pple-43d.com',
      'xn--fiqs8s.cn',
      'imap.example.org'
    ])
      expect(unicodeHost(h)).toBe(domainToUnicode(h))
    expect(decodeLabel('xn--zz')).toBeUndefined()
  })

  it('flags mixed scripts and Cyrillic that passes for Latin, not ordinary international names', () => {
    expect(lookalike('xn--pple-43d.com')).toBe('mixed-script')
    expect(lookalike('mail.xn--80ak6aa92e.com')).toBe('latin-lookalike')
    expect(lookalike('xn--mnchen-3ya.de')).toBeUndefined()
    expect(lookalike('xn--80adxhks.xn--p1ai')).toBeUndefined()
    expect(lookalike('imap.example.org')).toBeUndefined()
    expect(hostFacts(['IMAP.xn--pple-43d.com', 'imap.xn--pple-43d.com'])).toEqual([
      { host: 'imap.xn--pple-43d.com', shown: 'imap.аpple.com', domain: 'аpple.com', flag: 'mixed-script' }
    ])
  })
})
