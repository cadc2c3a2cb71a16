import { useTranslation } from 'react-i18next'
import { api } from '../../api'
import { APP_PASSWORD_HELP, needsBrowserSignIn, type ProviderKind } from './hints'

/** App-password and browser-sign-in advice for the providers that need it. */
export function ProviderHint({ kind }: { kind: ProviderKind }): React.JSX.Element | null {
  const { t } = useTranslation()
  if (!kind) return null
  const help = APP_PASSWORD_HELP[kind]
  if (needsBrowserSignIn(kind)) {
    return (
      <aside className="note" aria-labelledby="hint-title">
        <h2 id="hint-title">{t('signin.hint.browserTitle')}</h2>
        <p>{t(`signin.hint.${kind}`)}</p>
      </aside>
    )
  }
  if (!help) return null
  return (
    <aside className="note" aria-labelledby="hint-title">
      <h2 id="hint-title">{t('signin.hint.appPasswordTitle')}</h2>
      <p>{t(`signin.hint.${kind}`)}</p>
      <button type="button" className="link-button" onClick={() => void api.openExternal({ url: help })}>
        {t('signin.hint.howTo')}
      </button>
    </aside>
  )
}
