import { useTranslation } from 'react-i18next'
import type { Account, ExportFormatId, ExportFormatInfo } from '../../../../shared/account'

/** Why a format cannot carry this account, or undefined when it can. */
export function refusal(f: ExportFormatInfo, account: Account): 'imap' | 'pop3' | 'oauth2' | undefined {
  const proto = account.incoming.protocol === 'pop3' ? 'pop3' : 'imap'
  if (!f.supports[proto]) return proto
  if (account.authKind === 'oauth2' && !f.supports.oauth2) return 'oauth2'
  return undefined
}

export function FormatPicker({
  formats,
  account,
  value,
  legend,
  onChange
}: {
  formats: ExportFormatInfo[]
  account: Account
  value: ExportFormatId | undefined
  legend: string
  onChange(id: ExportFormatId): void
}): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <fieldset className="formats">
      <legend>{legend}</legend>
      <div className="format-grid">
        {formats.map((f) => {
          const no = refusal(f, account)
          return (
            <label
              key={f.id}
              className={`choice format ${value === f.id ? 'selected' : ''} ${no ? 'unavailable' : ''}`}
            >
              <input
                type="radio"
                name="format"
                value={f.id}
                checked={value === f.id}
                disabled={Boolean(no)}
                aria-describedby={`fmt-${f.id}`}
                onChange={() => onChange(f.id)}
              />
              <span className="choice-body">
                <span className="choice-title">{t(`format.${f.id}.name`)}</span>
                <span id={`fmt-${f.id}`} className={no ? 'why warn-text' : 'choice-detail'}>
                  {no ? t(`export.refuse.${no}`) : t(`format.${f.id}.detail`)}
                </span>
              </span>
            </label>
          )
        })}
      </div>
    </fieldset>
  )
}
