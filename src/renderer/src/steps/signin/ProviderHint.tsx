import { useTranslation } from 'react-i18next'
import { ExternalLink } from '../../components/ExternalLink'
import type { BrowserSignIn } from './availability'
import { APP_PASSWORD_PAGE, needsBrowserSignIn, type ProviderKind } from './hints'

/**
 * Provider advice. Where browser sign-in works, that it opens the provider's page; where it does
 * not (no client ID in this build) but app passwords do, the app-password route with a link to
 * the provider's own page for creating one.
 */
export function ProviderHint({ kind, browser }: { kind: ProviderKind; browser: BrowserSignIn }): React.JSX.Element | null {
  const { t } = useTranslation()
  if (!kind) return null
  const page = APP_PASSWORD_PAGE[kind]
  if (needsBrowserSignIn(kind) && browser.state === 'available') {
    return (
      <aside className="note" aria-labelledby="hint-title">
        <h2 id="hint-title">{t('signin.hint.browserTitle')}</h2>
        <p>{t(`signin.hint.${kind}`)}</p>
      </aside>
    )
  }
  if (!page || browser.state === 'available' || browser.state === 'asking') return null
  return (
    <aside className="note app-password" aria-labelledby="hint-title">
      <h2 id="hint-title">{t('signin.appPassword.title')}</h2>
      {browser.state === 'unavailable' && <p>{t('signin.appPassword.noBrowser', { provider: browser.provider })}</p>}
      <p>{t(`signin.hint.${kind}`)}</p>
      <p>
        <ExternalLink href={page} className="external">
          {t('signin.appPassword.create', { provider: t(`signin.appPassword.provider.${kind}`) })}
        </ExternalLink>
      </p>
    </aside>
  )
}
