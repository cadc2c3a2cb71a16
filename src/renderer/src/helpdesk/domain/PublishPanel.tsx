import { useTranslation } from 'react-i18next'
import type { PublishFiles, RecheckRow } from '../../../../shared/domain-health'
import { CopyButton } from '../../components/CopyButton'
import { downloadFile } from '../../components/download'
import { Ltr } from '../../components/Ltr'
import { useStore } from '../store'
import { domainStore, generate, recheck } from './store'

const MIME: Record<keyof PublishFiles, string> = {
  'config-v1.1.xml': 'application/xml;charset=utf-8',
  'srv.zone': 'text/plain;charset=utf-8',
  'autodiscover.xml': 'application/xml;charset=utf-8'
}

/** The servers the admin confirmed turned into files to publish, and whether they are live yet. */
export function PublishPanel(): React.JSX.Element {
  const { t } = useTranslation()
  const view = useStore(domainStore)
  const none = view.confirmed.length === 0
  return (
    <section className="domain-publish" aria-labelledby="dom-publish-title">
      <h2 id="dom-publish-title">{t('domainView.publishTitle')}</h2>
      <p>{t('domainView.publishIntro')}</p>
      <div className="field">
        <label htmlFor="dom-username">{t('domainView.usernameForm')}</label>
        <select
          id="dom-username"
          value={view.usernameForm}
          onChange={(e) => domainStore.set({ usernameForm: e.target.value === 'local' ? 'local' : 'address' })}
        >
          <option value="address">{t('domainView.usernameAddress')}</option>
          <option value="local">{t('domainView.usernameLocal')}</option>
        </select>
      </div>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={Boolean(view.busy) || none}
          aria-describedby={none ? 'dom-none' : undefined}
          onClick={() => void generate()}
        >
          {t('domainView.generate', { count: view.confirmed.length })}
        </button>
        {none && (
          <p id="dom-none" className="hint">
            {t('domainView.noneChosen')}
          </p>
        )}
      </div>
      {view.publish && (
        <>
          {(Object.keys(MIME) as Array<keyof PublishFiles>).map((name) => (
            <PublishedFile key={name} name={name} content={view.publish![name]} />
          ))}
          <Recheck rows={view.recheck ?? []} at={view.recheckedAt} busy={view.busy === 'recheck'} />
        </>
      )}
    </section>
  )
}

function PublishedFile({ name, content }: { name: keyof PublishFiles; content: string }): React.JSX.Element {
  const { t } = useTranslation()
  const id = `dom-file-${name.replace(/\W/g, '-')}`
  return (
    <section className="publish-file" aria-labelledby={id}>
      <h3 id={id}>
        <Ltr>{name}</Ltr>
      </h3>
      <p className="hint">{t(`domainView.where.${name.replace(/\W/g, '-')}`)}</p>
      <pre className="transcript" tabIndex={0} aria-labelledby={id} dir="ltr">
        {content}
      </pre>
      <div className="actions">
        <CopyButton text={() => content} label={t('domainView.copyFile', { file: name })} />
        <button type="button" className="secondary" onClick={() => downloadFile(name, MIME[name], content)}>
          {t('domainView.saveFile', { file: name })}
        </button>
      </div>
    </section>
  )
}

function Recheck({ rows, at, busy }: { rows: RecheckRow[]; at?: number; busy: boolean }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  return (
    <section className="recheck" aria-labelledby="dom-recheck-title">
      <h3 id="dom-recheck-title">{t('domainView.recheckTitle')}</h3>
      {at && (
        <p className="hint">{t('domainView.recheckedAt', { time: new Date(at).toLocaleTimeString(i18n.language) })}</p>
      )}
      <ul className="findings" aria-live="polite">
        {rows.map((r) => (
          <li
            key={r.source}
            data-recheck={r.source}
            className={`finding ${r.state === 'matches' ? 'good' : 'warning'}`}
          >
            <p className="finding-title">
              {t(`domainView.channel.${r.source}`)}: {t(`domainView.recheckState.${r.state}`)}
            </p>
            {r.missing.length > 0 && r.state !== 'missing' && (
              <p className="hint">
                {t('domainView.recheckMissing')} <Ltr>{r.missing.join(', ')}</Ltr>
              </p>
            )}
            {r.extra.length > 0 && (
              <p className="hint">
                {t('domainView.recheckExtra')} <Ltr>{r.extra.join(', ')}</Ltr>
              </p>
            )}
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="secondary" disabled={busy} onClick={() => void recheck()}>
          {busy ? t('domainView.rechecking') : t('domainView.recheck')}
        </button>
      </div>
    </section>
  )
}
