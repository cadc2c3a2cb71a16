import { useTranslation } from 'react-i18next'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { HelpdeskTools } from '../HelpdeskTools'
import '../helpdesk.css'
import { useStore } from '../store'
import { bulkStore, cancel, canResume, canStart, openList, saveReport, start } from './store'
import { Consent } from './Consent'
import { Progress } from './Progress'
import { ResultsTable } from './ResultsTable'

/**
 * For helpdesks and IT teams: a readiness check of many accounts from a CSV list, each with
 * a real sign-in on both sides, lockout-safe, with a live table and reports to save.
 */
export function BulkStep(): React.JSX.Element {
  const { t } = useTranslation()
  const view = useStore(bulkStore)
  const p = view.preview
  const finished = Boolean(view.summary)
  return (
    <>
      <HelpdeskTools />
      <StepHeading>{t('bulkView.title')}</StepHeading>
      <p className="lead">{t('bulkView.intro')}</p>
      <div className="field">
        <label htmlFor="bulk-file">{t('bulkView.file')}</label>
        <input
          id="bulk-file"
          type="file"
          accept=".csv,text/csv"
          aria-describedby="bulk-file-hint"
          disabled={view.running}
          onChange={(e) => {
            const file = e.target.files?.[0]
            if (file) void openList(file)
            // The same file may be chosen again after editing it.
            e.target.value = ''
          }}
        />
        <p id="bulk-file-hint" className="hint">
          {t('bulkView.fileHint')}
        </p>
      </div>
      <div role="status" className="bulk-open-status">
        {view.opening && t('bulkView.opening')}
        {view.tooBig && <p className="problem">{t('bulkView.tooBig', { file: view.tooBig })}</p>}
        {p?.invalid && (
          <p className="problem">
            {t('bulkView.invalid', { file: p.fileName, line: p.invalid.line, reason: p.invalid.reason })}
          </p>
        )}
      </div>
      {view.openError && <DiagnosisCard diagnosis={view.openError} />}
      {p && !p.invalid && <Consent />}
      {p?.earlier && view.startedList !== p.listId && (
        <p className="hint bulk-earlier">{t('bulkView.earlier', { done: p.earlier, of: p.rows })}</p>
      )}
      <StepActions>
        {view.running ? (
          <button type="button" className="secondary" onClick={() => void cancel()}>
            {t('bulkView.cancel')}
          </button>
        ) : (
          <>
            {p && view.startedList === p.listId && <p className="hint">{t('bulkView.pickAgain')}</p>}
            {canResume(view) && (
              <button type="button" className="primary" onClick={() => void start(true)}>
                {t('bulkView.resume')}
              </button>
            )}
            <button type="button" className="primary" disabled={!canStart(view)} onClick={() => void start()}>
              {t('bulkView.start', { count: p?.rows ?? 0 })}
            </button>
          </>
        )}
      </StepActions>
      {(view.running || view.kept.checked > 0 || finished) && <Progress />}
      {view.error && view.error.code !== 'cancelled' && <DiagnosisCard diagnosis={view.error} />}
      {finished && (
        <div className="actions report">
          <button type="button" className="secondary" onClick={() => void saveReport('csv')}>
            {t('bulkView.saveCsv')}
          </button>
          <button type="button" className="secondary" onClick={() => void saveReport('html')}>
            {t('bulkView.saveHtml')}
          </button>
          {view.reportSaved && (
            <p role="status" className="hint">
              {t('export.savedTo', { path: view.reportSaved })}
            </p>
          )}
        </div>
      )}
      {view.kept.checked > 0 && <ResultsTable kept={view.kept} />}
    </>
  )
}
