import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { Ltr, ltrValue } from '../../components/Ltr'
import { PasswordInput } from '../../components/PasswordInput'
import { defaultUsername, selectedCandidate, setupRequest } from '../../state'
import { api } from '../../api'
import { useWizard } from '../../wizard'
import { appPasswordPage, passwordsCannotWork, providerKind } from './hints'
import { useBrowserSignIn } from './availability'
import { ProviderHint } from './ProviderHint'
import { OAuthButton } from './OAuthButton'
import { NoBrowserSignIn } from './NoBrowserSignIn'
import { RefusalNote, likelyWrongField } from './RefusalNote'
import { lockedFor, usePolicy } from '../../policy/context'

export function SignInStep(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { state, update, go } = useWizard()
  const policy = usePolicy()
  // The organisation fixed the servers, and so the username, for this address's domain.
  const locked = lockedFor(policy, state.address)
  const [problem, setProblem] = useState('')
  const candidate = state.manual ? undefined : selectedCandidate(state)
  const kind = providerKind(candidate)
  const browser = useBrowserSignIn(candidate, kind)
  // Where passwords cannot work, no password field: the browser sign-in or, without one, the settings alone.
  const noPasswords = passwordsCannotWork(candidate, kind, state.protocol)
  const oauthOnly = noPasswords && browser.state === 'available'
  const settingsOnly = noPasswords && browser.state === 'unavailable'
  const appPassword = Boolean(appPasswordPage(kind)) && browser.state !== 'available'
  const username = locked ? locked.incoming.username : (state.username ?? defaultUsername(state))
  const given = state.passwordGivenFor === state.address
  const usernameRef = useRef<HTMLInputElement>(null)

  // While the password is typed, main connects to the servers the check will try first (no
  // credential is sent): the check then signs in on those connections at once.
  useEffect(() => {
    if (settingsOnly || oauthOnly || state.session?.address !== state.address) return
    void api.prepare(setupRequest(state)).catch(() => undefined)
    // Only when the step appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  // After a refusal, the field most likely wrong gets focus (after the heading took it).
  useEffect(() => {
    if (!state.refusal) return
    const field = likelyWrongField(state.refusal)
    if (field === 'username') usernameRef.current?.focus()
    else document.getElementById('password')?.focus()
    // Only when the step appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  function submit(e: React.FormEvent): void {
    e.preventDefault()
    if (settingsOnly) {
      return go('done', { settingsOnly: true, verify: undefined, verifyError: undefined })
    }
    if (oauthOnly && !state.oauthSessionId) return setProblem('oauth')
    if (browser.state === 'asking') return
    if (!username.trim()) return setProblem('username')
    if (!state.password && !given && !state.oauthSessionId) {
      setProblem('password')
      document.getElementById('password')?.focus()
      return
    }
    setProblem('')
    go('checking', {
      username: locked ? undefined : state.username?.trim(),
      verify: undefined,
      verifyError: undefined,
      settingsOnly: undefined
    })
  }

  let passwordHint: string
  if (problem === 'password')
    passwordHint = state.refusal ? t('signin.retry.passwordMissing') : t('signin.passwordMissing')
  else if (given)
    passwordHint = t(state.passwordGivenOn === 'finding' ? 'signin.passwordGivenFinding' : 'signin.passwordGiven')
  else if (state.refusal) passwordHint = t('signin.retry.passwordHint')
  else passwordHint = appPassword ? t('signin.appPassword.hint') : t('signin.passwordHint')

  return (
    <form onSubmit={submit} noValidate>
      <StepHeading>{t('signin.title')}</StepHeading>
      <p className="lead">
        {settingsOnly ? t('signin.noBrowser.lead') : t('signin.intro')} <Ltr>{state.address}</Ltr>
      </p>
      {state.refusal && !settingsOnly && <RefusalNote refusal={state.refusal} />}
      <ProviderHint kind={kind} browser={browser} />
      {settingsOnly && <NoBrowserSignIn provider={browser.provider} />}
      {browser.state === 'available' && candidate && (
        <OAuthButton candidate={candidate} provider={browser.provider} onStart={() => setProblem('')} />
      )}
      {problem === 'oauth' && !state.oauthSessionId && (
        <p className="problem" role="alert">
          {t('signin.oauth.first', { provider: browser.provider })}
        </p>
      )}
      {state.oauthSessionId || noPasswords ? null : (
        <>
          <div className="field">
            <label htmlFor="username">{t('signin.username')}</label>
            <input
              ref={usernameRef}
              id="username"
              type="text"
              autoComplete="username"
              spellCheck={false}
              autoCapitalize="off"
              dir="ltr"
              value={username}
              readOnly={Boolean(locked)}
              aria-invalid={problem === 'username'}
              aria-describedby="username-hint"
              onChange={(e) => update({ username: e.target.value })}
            />
            <p id="username-hint" className={problem === 'username' ? 'problem' : 'hint'}>
              {problem === 'username'
                ? t('signin.usernameMissing')
                : locked
                  ? t('policy.lockedUsername', {
                      organisation: ltrValue(policy.organisation ?? '', i18n.dir()),
                      domain: ltrValue(locked.domain, i18n.dir())
                    })
                  : t('signin.usernameHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor="password">{appPassword ? t('signin.appPassword.label') : t('signin.password')}</label>
            <PasswordInput
              id="password"
              value={state.password}
              onChange={(password) => update({ password })}
              invalid={problem === 'password'}
              describedBy="password-hint"
            />
            <p
              id="password-hint"
              className={problem === 'password' ? 'problem' : 'hint'}
              role={problem === 'password' ? 'alert' : undefined}
            >
              {passwordHint}
            </p>
          </div>
        </>
      )}
      <StepActions>
        <button type="submit" className="primary">
          {settingsOnly ? t('signin.noBrowser.continue') : t('signin.check')}
        </button>
      </StepActions>
    </form>
  )
}
