import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Candidate } from '../../../../shared/domain'
import type { Diagnosis } from '../../../../shared/diagnosis'
import { api } from '../../api'
import { onEvent } from '../../events'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { newRunId } from '../../state'
import { useWizard } from '../../wizard'

/** "Sign in with …" in the system browser (a new tab in browser mode) instead of a password. */
export function OAuthButton({
  candidate,
  provider,
  onStart
}: {
  candidate: Candidate
  provider: string
  onStart?: () => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update } = useWizard()
  const [busy, setBusy] = useState<string>()
  const [phase, setPhase] = useState('')
  const [link, setLink] = useState<string>()
  const [error, setError] = useState<Diagnosis>()
  const session = useRef<string | undefined>(undefined)

  useEffect(
    () =>
      onEvent('oauth', (e) => {
        if (e.sessionId === session.current) setPhase(e.state)
      }),
    []
  )

  async function signIn(): Promise<void> {
    const runId = newRunId()
    onStart?.()
    setBusy(runId)
    setPhase('')
    setError(undefined)
    const begun = await api.oauthBegin({ runId, sessionId: state.session?.id ?? '', candidateId: candidate.id })
    if (!begun.ok) {
      setBusy(undefined)
      return setError(begun.error)
    }
    session.current = begun.value.sessionId
    if (!begun.value.openedByMain) {
      window.open(begun.value.authorizeUrl, '_blank', 'noopener')
      // A blocked pop-up must not strand the user: the same page as a link.
      setLink(begun.value.authorizeUrl)
    }
    const done = await api.oauthComplete({ sessionId: begun.value.sessionId })
    setBusy(undefined)
    setLink(undefined)
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
  // No client id in this build (nor from the policy file): the button cannot work, the card says why.
  if (error?.code === 'oauth-client-missing') {
    return (
      <div className="oauth no-registration">
        <DiagnosisCard diagnosis={{ ...error, params: { provider, ...error.params } }} headingId="oauth-error" focus />
      </div>
    )
  }
  return (
    <div className="oauth">
      <div className="oauth-row">
        <button type="button" className="primary" disabled={Boolean(busy)} onClick={() => void signIn()}>
          {t('signin.oauth.button', { provider })}
        </button>
        {busy && (
          <button type="button" className="secondary" onClick={() => void api.cancel({ runId: busy })}>
            {t('common.cancel')}
          </button>
        )}
      </div>
      <p role="status" className="hint">
        {busy ? t(`signin.oauth.${phase || 'waiting'}`) : t('signin.oauth.or', { provider })}
      </p>
      {busy && link && phase !== 'exchanging' && (
        <p className="hint">
          <a href={link} target="_blank" rel="noopener noreferrer">
            {t('signin.oauth.openLink')}
          </a>
        </p>
      )}
      {error && <DiagnosisCard diagnosis={error} headingId="oauth-error" />}
    </div>
  )
}
