import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Diagnosis } from '../../../../shared/diagnosis'
import { api } from '../../api'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { ltrValue } from '../../components/Ltr'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { initialState, setupRequest } from '../../state'
import { diagnose } from '../../../../shared/diagnosis-catalog'
import { useWizard } from '../../wizard'
import { SettingsCard } from './SettingsCard'
import { KeychainMessage } from './KeychainMessage'
import { ExportPanel } from './ExportPanel'
import { usePolicy } from '../../policy/context'

export function DoneStep(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { state, update, go } = useWizard()
  const [error, setError] = useState<Diagnosis>()
  const [finished, setFinished] = useState(false)
  const policy = usePolicy()
  // The organisation's default: whether the password goes to this computer's keychain.
  const keepPassword = policy.defaults.storePassword !== false
  const saving = useRef(false)
  // Unchecked settings only when browser sign-in is needed and this build cannot do it.
  const unchecked = !state.verify && Boolean(state.settingsOnly)
  const { sessionId: _session, address: _address, ...choices } = setupRequest(state)
  const key = JSON.stringify([
    state.verify?.incoming?.settings,
    state.verify?.outgoing?.settings,
    state.name,
    state.oauthSessionId ?? '',
    unchecked,
    unchecked ? choices : null
  ])
  const saved = Boolean(state.account && state.accountFor === key)
  // What the account holds once main built it; before that, what the check signed in with.
  const incoming = saved ? state.account?.incoming : state.verify?.incoming?.settings
  const outgoing = saved ? state.account?.outgoing : state.verify?.outgoing?.settings
  const ready = unchecked || Boolean(state.session && state.verify?.incoming && state.verify.outgoing)

  // Save once per verified result; coming back to this step does not save again. Main builds the
  // account from what its session verified (or planned, unchecked) and stamps the time.
  useEffect(() => {
    if (saved || saving.current || !ready) return
    saving.current = true
    const oauth = Boolean(state.oauthSessionId) || unchecked
    void (async () => {
      let sessionId = state.session?.address === state.address ? state.session.id : undefined
      if (unchecked) {
        const planned = await api.plan(setupRequest(state))
        if (!planned.ok) return planned.error
        sessionId = planned.value.sessionId
      }
      if (!sessionId) return diagnose('internal')
      const res = await api.saveAccount({
        sessionId,
        displayName: state.name.trim(),
        storePassword: !oauth && keepPassword,
        ...(unchecked ? { unchecked: true, authKind: 'oauth2' as const } : {})
      })
      if (!res.ok) return res.error
      update({
        account: res.value.account,
        keychain: res.value.keychain,
        accountFor: key,
        session: { id: sessionId, address: state.address }
      })
      return undefined
    })().then((problem) => {
      saving.current = false
      if (problem) setError(problem)
    })
  }, [saved, key, ready, unchecked, state, update, keepPassword])

  /** A fresh wizard for the next address; the language and helpdesk setting stay as they are. */
  function another(): void {
    go('address', { ...initialState, helpdesk: false })
  }

  function finish(): void {
    setFinished(true)
    // The window closes itself; a browser tab says it may be closed.
    if (window.mailSetup) window.close()
  }

  if (finished) {
    return (
      <>
        <StepHeading key="finished">{t('finish.doneTitle')}</StepHeading>
        <p className="lead">{t('finish.doneText', { address: ltrValue(state.address, i18n.dir()) })}</p>
        <StepActions noBack>
          <button type="button" className="primary" onClick={another}>
            {t('finish.another')}
          </button>
        </StepActions>
      </>
    )
  }

  if (!ready) {
    return (
      <>
        <StepHeading>{t('done.notYet')}</StepHeading>
        <p>{t('done.notYetText')}</p>
        <StepActions />
      </>
    )
  }

  return (
    <>
      <StepHeading>{unchecked ? t('done.settingsOnlyTitle') : t('done.title')}</StepHeading>
      <p className="lead">
        {t(unchecked ? 'done.settingsOnlyIntro' : 'done.intro', { address: ltrValue(state.address, i18n.dir()) })}
      </p>
      {incoming && outgoing && <SettingsCard incoming={incoming} outgoing={outgoing} />}
      <div role="status" aria-live="polite">
        {!saved && !error && <p className="hint">{t('done.saving')}</p>}
        {saved && unchecked && <p className="note">{t('done.keychain.settingsOnly')}</p>}
        {saved && !unchecked && state.keychain && (
          <KeychainMessage status={state.keychain} oauth={Boolean(state.oauthSessionId)} />
        )}
        {saved && !unchecked && !keepPassword && !state.oauthSessionId && (
          <p className="note">
            {t('policy.notKept', { organisation: ltrValue(policy.organisation ?? '', i18n.dir()) })}
          </p>
        )}
      </div>
      {error && <DiagnosisCard diagnosis={error} headingId="save-problem" />}
      {saved && state.account && <ExportPanel account={state.account} />}
      <StepActions>
        <button type="button" className="secondary" onClick={another}>
          {t('finish.another')}
        </button>
        <button type="button" className="primary" disabled={!saved} onClick={finish}>
          {t('finish.finish')}
        </button>
      </StepActions>
    </>
  )
}
