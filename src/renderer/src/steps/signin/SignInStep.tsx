import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { Ltr } from '../../components/Ltr'
import { PasswordInput } from '../../components/PasswordInput'
import { defaultUsername, selectedCandidate } from '../../state'
import { useWizard } from '../../wizard'
import { oauthProviderName, offersOAuth, onlyOAuth, providerKind } from './hints'
import { ProviderHint } from './ProviderHint'
import { OAuthButton } from './OAuthButton'

export function SignInStep(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update, go } = useWizard()
  const [problem, setProblem] = useState('')
  const candidate = state.manual ? undefined : selectedCandidate(state)
  const kind = providerKind(candidate)
  const oauthOffered = offersOAuth(candidate)
  const oauthOnly = Boolean(oauthOffered && candidate && onlyOAuth(candidate, state.protocol))
  const username = state.username ?? defaultUsername(state)
  const given = state.passwordGivenFor === state.address

  function submit(e: React.FormEvent): void {
    e.preventDefault()
    if (oauthOnly && !state.oauthSessionId) return setProblem('oauth')
    if (!username.trim()) return setProblem('username')
    if (!state.password && !given && !state.oauthSessionId) return setProblem('password')
    setProblem('')
    go('checking', { username: state.username?.trim(), verify: undefined, verifyError: undefined })
  }

  return (
    <form onSubmit={submit} noValidate>
      <StepHeading>{t('signin.title')}</StepHeading>
      <p className="lead">
        {t('signin.intro')} <Ltr>{state.address}</Ltr>
      </p>
      <ProviderHint kind={kind} />
      {oauthOffered && candidate && <OAuthButton candidate={candidate} kind={kind} onStart={() => setProblem('')} />}
      {problem === 'oauth' && candidate && !state.oauthSessionId && (
        <p className="problem" role="alert">
          {t('signin.oauth.first', { provider: oauthProviderName(candidate, kind) })}
        </p>
      )}
      {state.oauthSessionId || oauthOnly ? null : (
        <>
          <div className="field">
            <label htmlFor="username">{t('signin.username')}</label>
            <input
              id="username"
              type="text"
              autoComplete="username"
              spellCheck={false}
              autoCapitalize="off"
              dir="ltr"
              value={username}
              aria-invalid={problem === 'username'}
              aria-describedby="username-hint"
              onChange={(e) => update({ username: e.target.value })}
            />
            <p id="username-hint" className={problem === 'username' ? 'problem' : 'hint'}>
              {problem === 'username' ? t('signin.usernameMissing') : t('signin.usernameHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor="password">{t('signin.password')}</label>
            <PasswordInput id="password" value={state.password} onChange={(password) => update({ password })} invalid={problem === 'password'} describedBy="password-hint" />
            <p id="password-hint" className={problem === 'password' ? 'problem' : 'hint'} role={problem === 'password' ? 'alert' : undefined}>
              {problem === 'password' ? t('signin.passwordMissing') : given ? t(state.passwordGivenOn === 'finding' ? 'signin.passwordGivenFinding' : 'signin.passwordGiven') : t('signin.passwordHint')}
            </p>
          </div>
        </>
      )}
      <StepActions>
        <button type="submit" className="primary">
          {t('signin.check')}
        </button>
      </StepActions>
    </form>
  )
}
