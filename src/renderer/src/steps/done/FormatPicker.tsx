import { useTranslation } from 'react-i18next'
import type { Account, ExportFormatId, ExportFormatInfo } from '../../../../shared/account'

function initials(name: string): string {
  return name
    .split(/[\s/()-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('')
}

/** Why a format cannot carry this account, or undefined when it can. */
function refusal(f: ExportFormatInfo, account: Account): 'imap' | 'pop3' | 'oauth2' | undefined {
  const proto = account.incoming.protocol === 'pop3' ? 'pop3' : 'imap'
  if (!f.supports[proto]) return proto
  if (account.authKind === 'oauth2' && !f.supports.oauth2) return 'oauth2'
  return undefined
}

export function FormatPicker({
  formats,
  account,
  value,
  onChange
}: {
  formats: ExportFormatInfo[]
  account: Account
  value: ExportFormatId | undefined
  onChange(id: ExportFormatId): void
}): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <fieldset className="formats">
      <legend>{t('export.pick')}</legend>
      <div className="format-grid">
        {formats.map((f) => {
          const no = refusal(f, account)
          return (
            <label key={f.id} className={`choice format ${value === f.id ? 'selected' : ''} ${no ? 'unavailable' : ''}`}>
              <input
                type="radio"
                name="format"
                value={f.id}
                checked={value === f.id}
                disabled={Boolean(no)}
                aria-describedby={`fmt-${f.id}`}
                onChange={() => onChange(f.id)}
              />
              <span className="format-icon" aria-hidden="true" data-format={f.id}>
                {initials(f.name)}
              </span>
              <span className="choice-body">
                <span className="choice-title">{f.name}</span>
                <span id={`fmt-${f.id}`} className={no ? 'why warn-text' : 'choice-detail'}>
                  {no ? t(`export.refuse.${no}`) : f.clients.join(', ')}
                </span>
              </span>
            </label>
          )
        })}
      </div>
    </fieldset>
  )
}
