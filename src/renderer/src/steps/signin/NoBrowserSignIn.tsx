import { useTranslation } from 'react-i18next'

/**
 * This build cannot sign in to the provider (no client ID) and the servers take no password:
 * said plainly, and the job still finishes, with settings for mail programs that sign in themselves.
 */
export function NoBrowserSignIn({ provider }: { provider: string }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <section className="note no-browser-signin" aria-labelledby="no-signin-title">
      <h2 id="no-signin-title">{t('signin.noBrowser.title', { provider })}</h2>
      <p>{t('signin.noBrowser.text', { provider })}</p>
      <p>{t('signin.noBrowser.next', { provider })}</p>
    </section>
  )
}
