import { useTranslation } from 'react-i18next'
import { api } from '../../api'
import { CopyButton } from '../../components/CopyButton'
import { downloadFile } from '../../components/download'
import { useWizard } from '../../wizard'

/** The one-click diagnostic report, built (and redacted) by main from its session's record, to copy or save. */
export function ReportButtons(): React.JSX.Element {
  const { t } = useTranslation()
  const { state } = useWizard()

  async function report(): Promise<{ text: string; fileName: string }> {
    const res = state.session ? await api.diagnosticReport({ sessionId: state.session.id }) : undefined
    return res?.ok ? res.value : { text: t('report.failed'), fileName: 'mail-setup-report.txt' }
  }

  return (
    <div className="actions report">
      <CopyButton text={async () => (await report()).text} label={t('report.copy')} />
      <button
        type="button"
        className="secondary"
        onClick={() => void report().then((r) => downloadFile(r.fileName, 'text/plain;charset=utf-8', r.text))}
      >
        {t('report.save')}
      </button>
    </div>
  )
}
