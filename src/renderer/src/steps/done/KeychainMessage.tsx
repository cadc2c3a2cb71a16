import { useTranslation } from 'react-i18next'
import type { KeychainStatus } from '../../../../shared/account'
import { Ltr } from '../../components/Ltr'

/** Where the password (or the browser sign-in's refresh token) went, or, clearly, why it was not kept. */
export function KeychainMessage({ status, oauth }: { status: KeychainStatus; oauth: boolean }): React.JSX.Element {
  const { t } = useTranslation()
  if (status.stored) {
    return (
      <p className="note success">
        {t(oauth ? 'done.keychain.oauthStored' : 'done.keychain.stored')} <Ltr>{status.service ?? ''}</Ltr>
      </p>
    )
  }
  if (!status.code) return <p className="note">{oauth ? t('done.keychain.oauth') : t('done.keychain.notStored')}</p>
  return (
    <div className="note warn">
      <p>
        <strong>{t('done.keychain.failed')}</strong>{' '}
        {t(`diagnosis:${status.code}.title`, { ...status.params, defaultValue: status.code })}
      </p>
      {/* params.context picks the words for the case (e.g. `what_module`: keytar is not built). */}
      <p>{t(`diagnosis:${status.code}.what`, { ...status.params, defaultValue: '' })}</p>
      <p>{t(`diagnosis:${status.code}.todo`, { ...status.params, defaultValue: '' })}</p>
      <p>{t('done.keychain.failedAfter')}</p>
    </div>
  )
}
