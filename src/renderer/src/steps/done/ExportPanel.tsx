import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Account, ExportFile, ExportFormatId, ExportFormatInfo } from '../../../../shared/account'
import type { DetectedClient } from '../../../../shared/clients'
import type { Diagnosis } from '../../../../shared/diagnosis'
import { api } from '../../api'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { downloadFile } from '../../components/download'
import { Ltr } from '../../components/Ltr'
import { useWizard } from '../../wizard'
import { FormatPicker, refusal } from './FormatPicker'
import { RecommendedClient } from './RecommendedClient'
import { CLIENT_FORMAT, GROUPS } from './groups'
import { Preview } from './Preview'
import { usePolicy } from '../../policy/context'

/** The hand-off: pick the mail program, see the file, save it, and how to open it there. */
export function ExportPanel({ account }: { account: Account }): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update } = useWizard()
  const [formats, setFormats] = useState<ExportFormatInfo[]>([])
  const [clients, setClients] = useState<DetectedClient[]>()
  const [othersOpen, setOthersOpen] = useState(false)
  const [canSave, setCanSave] = useState(false)
  const [file, setFile] = useState<ExportFile>()
  const [error, setError] = useState<Diagnosis>()
  const [savedTo, setSavedTo] = useState('')
  const chosen = formats.find((f) => f.id === state.exportFormat)
  // The organisation's default file, chosen until the user picks another (main lists only what it allows).
  const preset = usePolicy().defaults.exportFormat

  useEffect(() => {
    void api.listFormats({}).then((res) => {
      if (!res.ok) return setError(res.error)
      setFormats(res.value.formats)
      const f = res.value.formats.find((x) => x.id === preset)
      if (f && !state.exportFormat && !refusal(f, account)) {
        setOthersOpen(true)
        update({ exportFormat: f.id })
      }
    })
    void api.appInfo({}).then((res) => res.ok && setCanSave(res.value.canSaveFiles))
    void api.detectClients({}).then((res) => setClients(res.ok ? res.value.clients : []))
    // Once, when the panel appears: the default is a starting point, not a choice made again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  // The first program found whose file can carry this account is recommended; the rest wait under "Other programs".
  const recommended = clients?.find((c) => {
    const f = formats.find((x) => x.id === CLIENT_FORMAT[c.id])
    return f && !refusal(f, account)
  })
  const showOthers = othersOpen || (clients !== undefined && !recommended)

  function pick(id: ExportFormatId): void {
    setFile(undefined)
    setSavedTo('')
    setOthersOpen(true)
    update({ exportFormat: id })
  }

  useEffect(() => {
    if (!state.exportFormat) return
    let live = true
    void api.exportProfile({ accountId: account.id, format: state.exportFormat }).then((res) => {
      if (!live) return
      if (res.ok) {
        setFile(res.value)
        setError(undefined)
      } else setError(res.error)
    })
    return () => {
      live = false
    }
  }, [state.exportFormat, account.id])

  async function save(f: ExportFile): Promise<void> {
    if (!canSave) {
      downloadFile(f.fileName, f.mimeType, f.content, f.encoding)
      setSavedTo(t('export.downloaded', { file: f.fileName }))
      return
    }
    // Main exports the saved account again and writes it: the file's bytes never travel back.
    const res = await api.saveExport({ accountId: account.id, format: f.format })
    if (!res.ok) return setError(res.error)
    setSavedTo(res.value.saved ? t('export.savedTo', { path: res.value.path ?? f.fileName }) : t('export.notSaved'))
  }

  return (
    <section className="export" aria-labelledby="export-title">
      <h2 id="export-title">{t('export.title')}</h2>
      <p>{t('export.intro')}</p>
      {recommended && <RecommendedClient client={recommended} account={account} onFile={pick} />}
      <h3 className="disclosure">
        <button
          type="button"
          className="link-button"
          aria-expanded={showOthers}
          aria-controls="other-programs"
          onClick={() => setOthersOpen(!showOthers)}
        >
          {t('finish.other')}
        </button>
      </h3>
      <div id="other-programs" hidden={!showOthers}>
        {GROUPS.map(([group, ids]) => {
          // A format the policy hides is not in the list at all; a group left empty is not shown.
          const listed = ids.map((id) => formats.find((f) => f.id === id)).filter((f) => f !== undefined)
          return listed.length ? (
            <FormatPicker
              key={group}
              legend={t(`finish.group.${group}`)}
              formats={listed}
              account={account}
              value={state.exportFormat}
              onChange={pick}
            />
          ) : null
        })}
      </div>
      {error && <DiagnosisCard diagnosis={error} headingId="export-problem" />}
      {chosen && file && (
        <div className="export-result">
          <h3>{t('export.previewTitle', { name: t(`format.${chosen.id}.name`) })}</h3>
          <Preview file={file} name={t(`format.${chosen.id}.name`)} />
          <div className="actions">
            <button type="button" className="primary" onClick={() => void save(file)}>
              {canSave ? t('export.save') : t('export.download')} <Ltr>{file.fileName}</Ltr>
            </button>
          </div>
          <p role="status" className="hint">
            {savedTo}
          </p>
          <h3>{t('export.howtoTitle')}</h3>
          <p className="howto">
            {t(`export.howto.${chosen.id}`, {
              file: file.fileName,
              defaultValue: t('export.howto.default', { file: file.fileName })
            })}
          </p>
        </div>
      )}
    </section>
  )
}
