import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { pop3Options, type DraftServer } from '../../state'
import { useWizard } from '../../wizard'
import { draftProblems, fromDraft, initialDraft, withinPolicy } from './draft'
import { focusFirstInvalid } from './focus'
import { ServerFields } from './ServerFields'
import { allowedProtocols, allowedSecurity, lockedFor, usePolicy } from '../../policy/context'
import { ltrValue } from '../../components/Ltr'

export function ManualStep(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { state, update, go } = useWizard()
  const [tried, setTried] = useState(false)
  const policy = usePolicy()
  // Servers the organisation locked for this address are shown as they are and cannot be edited.
  const locked = lockedFor(policy, state.address)
  const protocols = allowedProtocols(policy)
  const security = allowedSecurity(policy)
  const draft = withinPolicy(initialDraft(state), locked, protocols, security)
  const problems = { incoming: draftProblems(draft.incoming), outgoing: draftProblems(draft.outgoing) }
  // A password typed on the sign-in step is dropped on the way here; what counts is the session's.
  const needPassword = state.passwordGivenFor !== state.address && !state.oauthSessionId

  function set(role: 'incoming' | 'outgoing', value: DraftServer): void {
    update({ manualDraft: { ...draft, [role]: value } })
  }

  function submit(e: React.FormEvent): void {
    e.preventDefault()
    if (problems.incoming.length + problems.outgoing.length > 0) {
      setTried(true)
      focusFirstInvalid()
      return
    }
    const manual = { incoming: fromDraft(draft.incoming, pop3Options(state)), outgoing: fromDraft(draft.outgoing) }
    const protocol = manual.incoming.protocol === 'pop3' ? 'pop3' : 'imap'
    const patch = {
      manual,
      manualDraft: draft,
      protocol,
      username: undefined,
      verify: undefined,
      verifyError: undefined
    } as const
    // Without a password yet, sign in first; otherwise check straight away.
    if (needPassword && !state.helpdesk) go('signin', patch)
    else go('checking', patch)
  }

  return (
    <form onSubmit={submit} noValidate>
      <StepHeading>{t('manual.title')}</StepHeading>
      <p className="lead">{t('manual.intro')}</p>
      {locked && (
        <p id="locked-servers" className="note locked">
          {t('policy.locked', {
            organisation: ltrValue(policy.organisation ?? '', i18n.dir()),
            domain: ltrValue(locked.domain, i18n.dir())
          })}
        </p>
      )}
      <div className="servers">
        <ServerFields
          role="incoming"
          lockedBy={locked ? 'locked-servers' : undefined}
          protocols={protocols}
          security={security}
          value={draft.incoming}
          problems={problems.incoming}
          showProblems={tried}
          onChange={(v) => set('incoming', v)}
        />
        <ServerFields
          role="outgoing"
          lockedBy={locked ? 'locked-servers' : undefined}
          protocols={protocols}
          security={security}
          value={draft.outgoing}
          problems={problems.outgoing}
          showProblems={tried}
          onChange={(v) => set('outgoing', v)}
        />
      </div>
      <StepActions>
        <button type="submit" className="primary">
          {needPassword && !state.helpdesk ? t('common.continue') : t('manual.check')}
        </button>
      </StepActions>
    </form>
  )
}
