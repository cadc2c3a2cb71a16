// save(): the account as main builds it from its own record. A checked account takes exactly
// the servers that signed in (the user name form that worked, the special-use folders found);
// an unchecked one takes the plan's first servers and carries no verifiedAt.
import type { Account } from '../../shared/account'
import type { OAuth2Settings } from '../../shared/domain'
import type { Probe } from '../../shared/verify'
import type { Plan } from './plan'

export interface Verified {
  plan: Plan
  incoming: Probe
  outgoing: Probe
  authKind: Account['authKind']
  /** Main's clock when the check ended. */
  at: string
}

export type AccountDraft = Omit<Account, 'id' | 'createdAt' | 'updatedAt' | 'secretStored'>

export function accountDraft(
  address: string,
  displayName: string,
  from: { verified: Verified } | { plan: Plan; authKind: Account['authKind'] },
  signInOf: (address: string) => (OAuth2Settings & { providerId?: string }) | undefined
): AccountDraft {
  const plan = 'verified' in from ? from.verified.plan : from.plan
  const authKind = 'verified' in from ? from.verified.authKind : from.authKind
  const candidate = plan.candidate
  // A sign-in started from the provider table (no autoconfig oAuth2 element) still records its
  // issuer and scope, so the account can be re-checked and exported later.
  const oauth2 =
    authKind !== 'oauth2'
      ? undefined
      : candidate?.oauth2
        ? { ...candidate.oauth2, providerId: candidate.providerId }
        : signInOf(address)
  const incoming = 'verified' in from ? from.verified.incoming.settings : plan.incoming[0]
  const outgoing = 'verified' in from ? from.verified.outgoing.settings : plan.outgoing[0]
  if (!incoming || !outgoing) throw new Error('a plan without an incoming and an outgoing server')
  return {
    address,
    displayName: displayName.trim(),
    incoming,
    outgoing,
    authKind,
    ...(oauth2 ? { oauth2 } : {}),
    ...(plan.source ? { source: plan.source } : {}),
    ...(candidate?.providerName ? { providerName: candidate.providerName } : {}),
    ...(candidate?.services ? { services: candidate.services } : {}),
    ...('verified' in from && from.verified.incoming.folders ? { folders: from.verified.incoming.folders } : {}),
    ...('verified' in from ? { verifiedAt: from.verified.at } : {})
  }
}
