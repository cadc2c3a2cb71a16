import { useTranslation } from 'react-i18next'
import { Ltr } from '../../components/Ltr'
import type { Refusal } from '../../state'

/** Which field a refused sign-in most likely got wrong. The password, unless the server said it was the name. */
export function likelyWrongField(refusal: Refusal): 'username' | 'password' {
  return refusal.field ?? 'password'
}

/** After a refusal: what the server refused, with the username form that was tried. */
export function RefusalNote({ refusal }: { refusal: Refusal }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <div className="note warn refusal" role="status">
      <p>
        {t('signin.retry.refused')} <Ltr>{refusal.username}</Ltr>
      </p>
      <p>{t(likelyWrongField(refusal) === 'username' ? 'signin.retry.checkUsername' : 'signin.retry.checkPassword')}</p>
    </div>
  )
}
