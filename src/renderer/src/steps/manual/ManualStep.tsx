import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { pop3Options, type DraftServer } from '../../state'
import { useWizard } from '../../wizard'
import { draftProblems, fromDraft } from './draft'
import { usePolicyForm } from './policy-form'
import { focusFirstInvalid } from './focus'
import { ServerFields } from './ServerFields'

export function ManualStep(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update, go } = useWizard()
  const [tried, setTried] = useState(false)
  const { draft, fields, note } = usePolicyForm(state)
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
      {note}
      <div className="servers">
        <ServerFields
          role="incoming"
          {...fields}
          value={draft.incoming}
          problems={problems.incoming}
          showProblems={tried}
          onChange={(v) => set('incoming', v)}
        />
        <ServerFields
          role="outgoing"
          {...fields}
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
