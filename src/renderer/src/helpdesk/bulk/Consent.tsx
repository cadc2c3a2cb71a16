import { useTranslation } from 'react-i18next'
import { Ltr } from '../../components/Ltr'
import { useStore } from '../store'
import { bulkStore } from './store'

/**
 * What the list would do before it runs: how many accounts, which password references, the
 * exact commands it would run (each needs the admin's confirmation), a plain password column
 * (only with the admin's opt-in), and the domains whose servers receive the passwords.
 */
export function Consent(): React.JSX.Element | null {
  const { t } = useTranslation()
  const view = useStore(bulkStore)
  const p = view.preview
  if (!p) return null
  const kinds = (['env', 'keychain', 'cmd', 'plain', 'none'] as const).filter((k) => p.refs[k] > 0)
  return (
    <section className="bulk-consent" aria-labelledby="bulk-list-title">
      <h2 id="bulk-list-title">{t('bulkView.listTitle', { file: p.fileName, count: p.rows })}</h2>
      <ul>
        {kinds.map((k) => (
          <li key={k} data-ref={k}>
            {t(`bulkView.ref.${k}`, { count: p.refs[k] })}
          </li>
        ))}
        {p.problems.length > 0 && (
          <li>{t('bulkView.skipped', { count: p.problems.length, rows: p.problems.map((x) => x.row).join(', ') })}</li>
        )}
      </ul>
      {p.domains.length > 0 && (
        <p>
          {t('bulkView.domains')} <Ltr>{p.domains.join(', ')}</Ltr>
        </p>
      )}
      {p.plainColumn && (
        <div className="check warning-box">
          <input
            id="bulk-plain"
            type="checkbox"
            checked={view.allowPlain}
            onChange={(e) => bulkStore.set({ allowPlain: e.target.checked })}
          />
          <label htmlFor="bulk-plain">{t('bulkView.allowPlain')}</label>
        </div>
      )}
      {p.moreCommands && <p className="problem">{t('bulkView.tooManyCommands')}</p>}
      {p.commands.length > 0 && !p.moreCommands && (
        <div className="warning-box" role="group" aria-labelledby="bulk-commands-title">
          <h3 id="bulk-commands-title">{t('bulkView.commandsTitle', { count: p.commands.length })}</h3>
          <p>{t('bulkView.commandsIntro')}</p>
          <ul className="commands">
            {p.commands.map((c) => (
              <li key={c}>
                <code dir="ltr">{c}</code>
              </li>
            ))}
          </ul>
          <div className="check">
            <input
              id="bulk-commands"
              type="checkbox"
              checked={view.commandsConfirmed}
              onChange={(e) => bulkStore.set({ commandsConfirmed: e.target.checked })}
            />
            <label htmlFor="bulk-commands">{t('bulkView.confirmCommands', { count: p.commands.length })}</label>
          </div>
        </div>
      )}
    </section>
  )
}
