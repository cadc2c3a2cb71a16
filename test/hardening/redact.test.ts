// The one redaction function: what it masks, and what it must leave alone.
import { describe, expect, it } from 'vitest'
import { redact, redactValue, registerSecret, REDACTION_MASK as M } from '../../src/main/redact'

describe('redact', () => {
  it('masks credentials by protocol shape', () => {
    // IMAP LOGIN keeps the username (which form the server refused) and masks the password.
    expect(redact('a1 LOGIN alice "s3cr3t"')).toBe(`a1 LOGIN alice ${M}`)
    expect(redact('a1 LOGIN "alice@example.com" "s3 \\"cr3t"')).toBe(`a1 LOGIN "alice@example.com" ${M}`)
    expect(redact('a1 LOGIN {5+} s3cr3t')).toBe(`a1 LOGIN {5+} ${M}`)
    // Anything that does not parse as one username and a password is masked whole.
    expect(redact('a1 LOGIN "unterminated s3cr3t')).toBe(`a1 LOGIN ${M}`)
    expect(redact('a1 LOGIN alice')).toBe('a1 LOGIN alice')
    expect(redact('a2 AUTHENTICATE PLAIN AGFsaWNlAHMzY3IzdA==')).toBe(`a2 AUTHENTICATE PLAIN ${M}`)
    expect(redact('PASS hunter2')).toBe(`PASS ${M}`)
    expect(redact('AUTH PLAIN AGFsaWNl')).toBe(`AUTH PLAIN ${M}`)
    expect(redact('Authorization: Bearer eyJhbGciOi.abc.def')).toBe(`Authorization: Bearer ${M}`)
    expect(redact('{"refresh_token":"rt-123","x":1}')).toBe(`{"refresh_token":"${M}","x":1}`)
    expect(redact('https://user:pw@host/')).toBe(`https://user:${M}@host/`)
  })

  it('masks a registered secret anywhere in text, also base64- and URL-encoded', () => {
    const secret = 'Tr0ub4dor&3'
    registerSecret(secret)
    expect(redact(`server said: bad password ${secret}`)).toBe(`server said: bad password ${M}`)
    expect(redact(Buffer.from(secret).toString('base64'))).toBe(M)
    expect(redact(encodeURIComponent(secret))).toBe(M)
  })

  it('redacts free text in values but leaves codes, hosts and names intact', () => {
    // A user once typed "wrong" or "mail" as a password: structured fields must survive.
    registerSecret('wrong')
    registerSecret('mail')
    const value = {
      code: 'cert-wrong-host',
      settings: { host: 'mail.example.com', auth: ['password-cleartext'] },
      transcript: [{ t: 1, dir: 'c', text: 'a1 LOGIN alice mail' }],
      serverSays: 'NO wrong',
      password: 'anything',
      subjectAltNames: ['mail.example.com']
    }
    const out = redactValue(value)
    expect(out.code).toBe('cert-wrong-host')
    expect(out.settings.host).toBe('mail.example.com')
    expect(out.subjectAltNames).toEqual(['mail.example.com'])
    expect(out.transcript[0]!.text).toBe(`a1 LOGIN alice ${M}`)
    expect(out.serverSays).toBe(`NO ${M}`)
    expect(out.password).toBe(M)
  })

  it('keeps our own step summaries readable: only registered secrets are masked there', () => {
    registerSecret('hunter2-step')
    const out = redactValue({
      steps: [
        { name: 'capabilities', info: 'AUTH PLAIN LOGIN' },
        { name: 'auth', info: 'refused hunter2-step' }
      ]
    })
    expect(out.steps[0]!.info).toBe('AUTH PLAIN LOGIN')
    expect(out.steps[1]!.info).toBe(`refused ${M}`)
  })
})
