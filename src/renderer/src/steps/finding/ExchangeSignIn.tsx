import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Ltr } from '../../components/Ltr'
import { PasswordInput } from '../../components/PasswordInput'

/**
 * An optional offer when the organisation's Exchange Autodiscover asked for sign-in (HTTP 401).
 * The password lives only in this form until it is sent; `onSend` gets it once and the field is emptied.
 */
export function ExchangeSignIn({
  domain,
  refused,
  onSend
}: {
  domain: string
  refused: boolean
  onSend(password: string): void
}): React.JSX.Element {
  const { t } = useTranslation()
  const [password, setPassword] = useState('')
  const [missing, setMissing] = useState(false)

  function submit(e: React.FormEvent): void {
    e.preventDefault()
    if (!password) return setMissing(true)
    const sent = password
    setPassword('')
    setMissing(false)
    onSend(sent)
  }

  return (
    <section className="note exchange-signin" aria-labelledby="exchange-title">
      <h2 id="exchange-title">{t('finding.exchange.title')}</h2>
      <p>{t('finding.exchange.intro')}</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="exchange-password">{t('finding.exchange.password')}</label>
          <PasswordInput
            id="exchange-password"
            value={password}
            onChange={setPassword}
            invalid={missing}
            describedBy="exchange-hint"
          />
          <p
            id="exchange-hint"
            className={missing || refused ? 'problem' : 'hint'}
            role={missing ? 'alert' : undefined}
          >
            {missing ? (
              t('signin.passwordMissing')
            ) : (
              <>
                {refused && <>{t('finding.exchange.refused')} </>}
                {t('finding.exchange.where')} <Ltr>{domain}</Ltr>
                {t('finding.exchange.whereEnd')}
              </>
            )}
          </p>
        </div>
        <button type="submit" className="secondary">
          {t('finding.exchange.send')}
        </button>
      </form>
    </section>
  )
}
