// What the CLI says of the organisation's policy: whom to ask, under every error (as the
// wizard's error cards do), and that a policy file could not be used (nothing of it applies).
import type { Policy } from '../policy'
import { term } from '../../shared/escape'

/** "Support (Contoso IT): IT helpdesk, help@contoso.example, +1 555 0100, https://…", or nothing. */
export function supportLine(policy: Policy): string | undefined {
  const org = policy.rules.organisation
  const s = org?.support
  if (!org || !s) return undefined
  return term`Support (${org.name}): ${[s.name, s.email, s.phone, s.url].filter(Boolean).join(', ')}`
}

export function policyProblem(policy: Policy): string | undefined {
  const p = policy.problem
  if (!p) return undefined
  return (
    term`Warning: the policy file ${p.file} cannot be used, so none of its rules apply:\n` +
    p.issues.map((i) => term`  - ${i}`).join('\n')
  )
}
