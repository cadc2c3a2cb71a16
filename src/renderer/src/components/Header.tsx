import { useTranslation } from 'react-i18next'
import { languageName, languages, setLanguage } from '../i18n'
import { useWizard } from '../wizard'

export function Header(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { state, go } = useWizard()
  return (
    <header className="app-header">
      <p className="brand">{t('app.name')}</p>
      <div className="header-tools">
        {state.step !== 'troubleshoot' && (
          <button type="button" className="link-button" onClick={() => go('troubleshoot')}>
            {t('app.troubleshoot')}
          </button>
        )}
        <label className="language">
          <span>{t('app.language')}</span>
          <select value={i18n.resolvedLanguage ?? i18n.language} onChange={(e) => void setLanguage(e.target.value)}>
            {languages.map((lng) => (
              <option key={lng} value={lng} lang={lng}>
                {languageName(lng)}
              </option>
            ))}
          </select>
        </label>
      </div>
    </header>
  )
}
