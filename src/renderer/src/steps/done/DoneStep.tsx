import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Diagnosis } from '../../../../shared/diagnosis'
import { api } from '../../api'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { ltrValue } from '../../components/Ltr'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { initialState, plannedSettings, selectedCandidate } from '../../state'
import { useWizard } from '../../wizard'
import { SettingsCard } from './SettingsCard'
import { KeychainMessage } from './KeychainMessage'
import { ExportPanel } from './ExportPanel'

export function DoneStep(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { state, update, go } = useWizard()
  const [error, setError] = useState<Diagnosis>()
  const [finished, setFinished] = useState(false)
  const saving = useRef(false)
  // Unchecked settings only when browser sign-in is needed and this build cannot do it.
  const planned = !state.verify && state.settingsOnly ? plannedSettings(state) : undefined
  const incoming = state.verify?.incoming?.settings ?? planned?.incoming[0]
  const outgoing = state.verify?.outgoing?.settings ?? planned?.outgoing[0]
  const unchecked = Boolean(planned)
  const key = JSON.stringify([incoming, outgoing, state.name, state.oauthSessionId ?? '', unchecked])
  const saved = Boolean(state.account && incoming && outgoing && state.accountFor === key)

  // Save once per verified result; coming back to this step does not save again.
  useEffect(() => {
    if (saved || saving.current || !incoming || !outgoing) return
    saving.current = true
    const candidate = state.manual ? undefined : selectedCandidate(state)
    const oauth = Boolean(state.oauthSessionId) || unchecked
    void api
      .saveAccount({
        account: {
          id: state.account?.id,
          address: state.address,
          displayName: state.name.trim(),
          incoming,
          outgoing,
          authKind: oauth ? 'oauth2' : 'password',
          ...(oauth && candidate?.oauth2 ? { oauth2: { ...candidate.oauth2, providerId: candidate.providerId } } : {}),
          source: state.manual ? 'manual' : candidate?.source,
          providerName: candidate?.providerName,
          ...(candidate?.services ? { services: candidate.services } : {}),
          folders: state.verify?.incoming?.folders,
          ...(unchecked ? {} : { verifiedAt: new Date().toISOString() })
        },
        storePassword: !oauth
      })
      .then((res) => {
        saving.current = false
        if (res.ok) update({ account: res.value.account, keychain: res.value.keychain, accountFor: key })
        else setError(res.error)
      })
  }, [saved, key, incoming, outgoing, unchecked, state, update])

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

  if (!incoming || !outgoing) {
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
      <p className="lead">{t(unchecked ? 'done.settingsOnlyIntro' : 'done.intro', { address: ltrValue(state.address, i18n.dir()) })}</p>
      <SettingsCard incoming={incoming} outgoing={outgoing} />
      <div role="status" aria-live="polite">
        {!saved && !error && <p className="hint">{t('done.saving')}</p>}
        {saved && unchecked && <p className="note">{t('done.keychain.settingsOnly')}</p>}
        {saved && !unchecked && state.keychain && <KeychainMessage status={state.keychain} oauth={Boolean(state.oauthSessionId)} />}
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
