import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Account, ExportFormatId } from '../../../../shared/account'
import type { DetectedClient } from '../../../../shared/clients'
import type { Diagnosis } from '../../../../shared/diagnosis'
import { api } from '../../api'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { CLIENT_FORMAT, DIRECT } from './groups'

/** The mail program found on this computer, with one clear action: add the account to it, or its file. */
export function RecommendedClient({
  client,
  account,
  onFile
}: {
  client: DetectedClient
  account: Account
  onFile(id: ExportFormatId): void
}): React.JSX.Element {
  const { t } = useTranslation()
  const name = t(`finish.client.${client.id}`)
  const [profile, setProfile] = useState(client.profiles.find((p) => !p.inUse)?.path ?? client.profiles[0]?.path)
  const [busy, setBusy] = useState(false)
  const [added, setAdded] = useState(false)
  const [error, setError] = useState<Diagnosis>()
  const direct = DIRECT.includes(client.id)
  const chosen = client.profiles.find((p) => p.path === profile)

  async function add(): Promise<void> {
    setBusy(true)
    setError(undefined)
    const res = await api.applyToClient({
      accountId: account.id,
      client: client.id === 'evolution' ? 'evolution' : 'thunderbird',
      ...(profile ? { profile } : {})
    })
    setBusy(false)
    if (res.ok) setAdded(true)
    else setError(res.error)
  }

  return (
    <section className="recommended" aria-labelledby="recommended-title" data-client={client.id}>
      <h3 id="recommended-title">{t('finish.recommended')}</h3>
      <p>{t('finish.found', { client: name })}</p>
      {client.profiles.length > 1 && (
        <div className="field">
          <label htmlFor="tb-profile">{t('finish.profile')}</label>
          <select id="tb-profile" value={profile} onChange={(e) => setProfile(e.target.value)}>
            {client.profiles.map((p) => (
              <option key={p.path} value={p.path}>
                {p.inUse ? t('finish.profileInUse', { profile: p.name }) : p.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {chosen?.inUse && !added && <p className="warn-text">{t('finish.closeFirst')}</p>}
      <div className="actions">
        {direct ? (
          <button type="button" className="primary" disabled={busy || added} onClick={() => void add()}>
            {t('finish.add', { client: name })}
          </button>
        ) : null}
        <button
          type="button"
          className={direct ? 'link-button' : 'primary'}
          onClick={() => onFile(CLIENT_FORMAT[client.id])}
        >
          {t('finish.orFile', { client: name })}
        </button>
      </div>
      <p role="status" className="note success" hidden={!added}>
        {added ? t(client.id === 'evolution' ? 'finish.addedEvolution' : 'finish.addedThunderbird') : ''}
      </p>
      {error && <DiagnosisCard diagnosis={error} headingId="apply-problem" focus />}
    </section>
  )
}
