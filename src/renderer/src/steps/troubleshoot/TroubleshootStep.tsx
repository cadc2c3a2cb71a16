import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { parseAddress } from '../../../../shared/address'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { AddressField } from '../../components/AddressField'
import { initialState, type DraftServer } from '../../state'
import { useWizard } from '../../wizard'
import { ServerFields } from '../manual/ServerFields'
import { draftProblems, fromDraft } from '../manual/draft'
import { usePolicyForm } from '../manual/policy-form'
import { focusFirstInvalid } from '../manual/focus'
import { HelpdeskTools } from '../../helpdesk/HelpdeskTools'

/**
 * For helpdesk staff: an address (and optionally the settings the user has) straight into
 * the check, with every probe and its evidence shown.
 */
export function TroubleshootStep(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update, go } = useWizard()
  const [tried, setTried] = useState(false)
  const [given, setGiven] = useState(Boolean(state.helpdesk && state.manual))
  const parsed = parseAddress(state.address)
  // The organisation's policy applies to the settings the user has too (main refuses the rest).
  const { draft, fields, note } = usePolicyForm(state)
  const problems = { incoming: draftProblems(draft.incoming), outgoing: draftProblems(draft.outgoing) }

  function set(role: 'incoming' | 'outgoing', value: DraftServer): void {
    update({ manualDraft: { ...draft, [role]: value } })
  }

  function submit(e: React.FormEvent): void {
    e.preventDefault()
    setTried(true)
    if (!parsed.ok || (given && problems.incoming.length + problems.outgoing.length > 0)) {
      focusFirstInvalid()
      return
    }
    const address = parsed.address
    const keep =
      address === state.discoveredFor
        ? {}
        : {
            ...initialState,
            step: state.step,
            trail: state.trail,
            password: state.password,
            manualDraft: state.manualDraft
          }
    go('checking', {
      ...keep,
      address,
      helpdesk: true,
      manual: given ? { incoming: fromDraft(draft.incoming), outgoing: fromDraft(draft.outgoing) } : undefined,
      username: undefined,
      verify: undefined,
      verifyError: undefined
    })
  }

  return (
    <>
      <HelpdeskTools />
      <form onSubmit={submit} noValidate>
        <StepHeading>{t('helpdesk.title')}</StepHeading>
        <p className="lead">{t('helpdesk.intro')}</p>
        <AddressField
          id="hd-address"
          value={state.address}
          problem={tried && !parsed.ok ? parsed.problem : undefined}
          onChange={(address) => update({ address })}
        />
        <div className="field">
          <label htmlFor="hd-password">{t('helpdesk.password')}</label>
          <input
            id="hd-password"
            type="password"
            autoComplete="off"
            dir="ltr"
            value={state.password}
            aria-describedby="hd-password-hint"
            onChange={(e) => update({ password: e.target.value })}
          />
          <p id="hd-password-hint" className="hint">
            {t('helpdesk.passwordHint')}
          </p>
        </div>
        <div className="check">
          <input id="hd-given" type="checkbox" checked={given} onChange={(e) => setGiven(e.target.checked)} />
          <label htmlFor="hd-given">{t('helpdesk.useGiven')}</label>
        </div>
        {given && note}
        {given && (
          <div className="servers">
            <ServerFields
              {...fields}
              role="incoming"
              value={draft.incoming}
              problems={problems.incoming}
              showProblems={tried}
              onChange={(v) => set('incoming', v)}
            />
            <ServerFields
              {...fields}
              role="outgoing"
              value={draft.outgoing}
              problems={problems.outgoing}
              showProblems={tried}
              onChange={(v) => set('outgoing', v)}
            />
          </div>
        )}
        <StepActions>
          <button type="submit" className="primary">
            {t('helpdesk.check')}
          </button>
        </StepActions>
      </form>
    </>
  )
}
