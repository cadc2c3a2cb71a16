import { useTranslation } from 'react-i18next'
import { ExternalLink } from '../../components/ExternalLink'
import type { BrowserSignIn } from './availability'
import { appPasswordPage, needsBrowserSignIn, type ProviderKind } from './hints'

/**
 * Provider advice. Where browser sign-in works, that it opens the provider's page; where it does
 * not (no client ID in this build) but app passwords do, the app-password route with a link to
 * the provider's own page for creating one.
 */
export function ProviderHint({
  kind,
  browser
}: {
  kind: ProviderKind
  browser: BrowserSignIn
}): React.JSX.Element | null {
  const { t } = useTranslation()
  if (!kind?.advice) return null
  const page = appPasswordPage(kind)
  if (needsBrowserSignIn(kind) && browser.state === 'available') {
    return (
      <aside className="note" aria-labelledby="hint-title">
        <h2 id="hint-title">{t('signin.hint.browserTitle')}</h2>
        <p>{t(`signin.hint.${kind.advice}`)}</p>
      </aside>
    )
  }
  if (!page || browser.state === 'available' || browser.state === 'asking') return null
  return (
    <aside className="note app-password" aria-labelledby="hint-title">
      <h2 id="hint-title">{t('signin.appPassword.title')}</h2>
      {browser.state === 'unavailable' && <p>{t('signin.appPassword.noBrowser', { provider: browser.provider })}</p>}
      <p>{t(`signin.hint.${kind.advice}`)}</p>
      <p>
        <ExternalLink href={page} className="external">
          {t('signin.appPassword.create', { provider: t(`signin.appPassword.provider.${kind.advice}`) })}
        </ExternalLink>
      </p>
    </aside>
  )
}
