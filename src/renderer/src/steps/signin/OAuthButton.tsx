import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Candidate } from '../../../../shared/domain'
import type { Diagnosis } from '../../../../shared/diagnosis'
import { api } from '../../api'
import { onEvent } from '../../events'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { newRunId } from '../../state'
import { useWizard } from '../../wizard'
import type { ProviderKind } from './hints'

/** "Sign in with …" in the system browser (a new tab in browser mode) instead of a password. */
export function OAuthButton({ candidate, kind }: { candidate: Candidate; kind: ProviderKind }): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update } = useWizard()
  const [busy, setBusy] = useState<string>()
  const [phase, setPhase] = useState('')
  const [error, setError] = useState<Diagnosis>()
  const session = useRef<string | undefined>(undefined)
  const provider = candidate.providerName ?? (kind === 'gmail' ? 'Google' : 'Microsoft')

  useEffect(
    () =>
      onEvent('oauth', (e) => {
        if (e.sessionId === session.current) setPhase(e.state)
      }),
    []
  )

  async function signIn(): Promise<void> {
    const runId = newRunId()
    setBusy(runId)
    setError(undefined)
    const begun = await api.oauthBegin({ runId, address: state.address, oauth2: candidate.oauth2, providerId: candidate.providerId })
    if (!begun.ok) {
      setBusy(undefined)
      return setError(begun.error)
    }
    session.current = begun.value.sessionId
    if (!begun.value.openedByMain) window.open(begun.value.authorizeUrl, '_blank', 'noopener')
    const done = await api.oauthComplete({ sessionId: begun.value.sessionId })
    setBusy(undefined)
    if (!done.ok) return setError(done.error)
    update({ oauthSessionId: done.value.sessionId, username: done.value.username ?? state.username, password: '' })
  }

  if (state.oauthSessionId) {
    return (
      <div className="note success">
        <p role="status">{t('signin.oauth.done', { provider })}</p>
        <button type="button" className="link-button" onClick={() => update({ oauthSessionId: undefined })}>
          {t('signin.oauth.usePassword')}
        </button>
      </div>
    )
  }
  return (
    <div className="oauth">
      <button type="button" className="primary" disabled={Boolean(busy)} onClick={() => void signIn()}>
        {t('signin.oauth.button', { provider })}
      </button>
      <p role="status" className="hint">
        {busy ? t(`signin.oauth.${phase || 'waiting'}`) : t('signin.oauth.or')}
      </p>
      {busy && (
        <button type="button" className="secondary" onClick={() => void api.cancel({ runId: busy })}>
          {t('common.cancel')}
        </button>
      )}
      {error && <DiagnosisCard diagnosis={error} headingId="oauth-error" />}
    </div>
  )
}
