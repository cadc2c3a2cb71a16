// The server form under the organisation's policy, shared by the manual step and the helpdesk's
// "settings the user has": the draft within the policy, what ServerFields may offer, and the note
// that says who locked a domain's servers (the fields point to it).
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { ManualDraft, WizardState } from '../../state'
import type { IncomingProtocol, Security } from '../../../../shared/domain'
import { allowedProtocols, allowedSecurity, lockedFor, usePolicy } from '../../policy/context'
import { ltrValue } from '../../components/Ltr'
import { initialDraft, withinPolicy } from './draft'

const NOTE_ID = 'locked-servers'

export function usePolicyForm(state: WizardState): {
  draft: ManualDraft
  fields: { lockedBy?: string; protocols: IncomingProtocol[]; security: Security[] }
  note: ReactNode
} {
  const { t, i18n } = useTranslation()
  const policy = usePolicy()
  // Servers the organisation locked for this address are shown as they are and cannot be edited.
  const locked = lockedFor(policy, state.address)
  const protocols = allowedProtocols(policy)
  const security = allowedSecurity(policy)
  return {
    draft: withinPolicy(initialDraft(state), locked, protocols, security),
    fields: { lockedBy: locked ? NOTE_ID : undefined, protocols, security },
    note: locked && (
      <p id={NOTE_ID} className="note locked">
        {t('policy.locked', {
          organisation: ltrValue(policy.organisation ?? '', i18n.dir()),
          domain: ltrValue(locked.domain, i18n.dir())
        })}
      </p>
    )
  }
}
