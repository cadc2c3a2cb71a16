// What the wizard's manual form makes of the policy before anything is sent (main refuses the
// rest anyway, test/policy/policy.test.ts): a locked domain's servers as the policy fixes them,
// whatever the draft held, and otherwise a protocol and encryption the policy allows, with the
// port that goes with them. The lock is looked up as main looks it up (shared/policy-rules.ts).
import { describe, expect, it } from 'vitest'
import { withinPolicy } from '../../src/renderer/src/steps/manual/draft'
import { lockedServersFor } from '../../src/shared/policy-rules'
import type { ManualDraft } from '../../src/renderer/src/state'
import type { LockedDomains } from '../../src/shared/policy'

const draft: ManualDraft = {
  incoming: {
    protocol: 'pop3',
    host: 'pop.example.org',
    port: '110',
    security: 'starttls',
    auth: 'password-encrypted',
    username: 'me'
  },
  outgoing: {
    protocol: 'smtp',
    host: 'smtp.example.org',
    port: '587',
    security: 'starttls',
    auth: 'none',
    username: ''
  }
}
const locked: LockedDomains[] = [
  {
    domains: ['contoso.example'],
    incoming: { protocol: 'imap', host: 'mail.contoso.example', port: 993, security: 'tls', username: 'local' },
    outgoing: { protocol: 'smtp', host: 'smtp.contoso.example', port: 465, security: 'tls', username: 'address' }
  }
]

describe('the manual form under a policy', () => {
  it('a locked domain: the locked servers and user names; only the sign-in method stays the user’s', () => {
    const fixed = lockedServersFor(locked, 'dana@Contoso.Example')
    expect(fixed?.domain).toBe('contoso.example')
    expect(withinPolicy(draft, fixed, ['imap'], ['tls'])).toEqual({
      incoming: {
        protocol: 'imap',
        host: 'mail.contoso.example',
        port: '993',
        security: 'tls',
        auth: 'password-encrypted',
        username: 'dana'
      },
      outgoing: {
        protocol: 'smtp',
        host: 'smtp.contoso.example',
        port: '465',
        security: 'tls',
        auth: 'none',
        username: 'dana@Contoso.Example'
      }
    })
  })

  it('another domain is not locked, nor a look-alike', () => {
    expect(lockedServersFor(locked, 'dana@example.org')).toBeUndefined()
    expect(lockedServersFor(locked, 'dana@sub.contoso.example')).toBeUndefined()
    expect(lockedServersFor(locked, 'dana@contoso.example.evil.test')).toBeUndefined()
    expect(lockedServersFor(undefined, 'dana@contoso.example')).toBeUndefined()
  })

  it('IMAP only and SSL/TLS only: POP becomes IMAP and STARTTLS becomes SSL/TLS, each on its port', () => {
    expect(withinPolicy(draft, undefined, ['imap'], ['tls'])).toMatchObject({
      incoming: { protocol: 'imap', port: '993', security: 'tls', host: 'pop.example.org', username: 'me' },
      outgoing: { protocol: 'smtp', port: '465', security: 'tls', host: 'smtp.example.org' }
    })
  })

  it('what the policy allows is left as typed, a port of its own included', () => {
    const typed = { ...draft, incoming: { ...draft.incoming, port: '1110' } }
    expect(withinPolicy(typed, undefined, ['imap', 'pop3'], ['tls', 'starttls', 'plain'])).toEqual(typed)
  })
})
