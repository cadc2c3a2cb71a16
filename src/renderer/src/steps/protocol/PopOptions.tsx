import { useTranslation } from 'react-i18next'
import { useWizard } from '../../wizard'

/** POP's one real question: keep a copy on the server, and for how long. */
export function PopOptions(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update } = useWizard()
  return (
    <fieldset className="pop-options">
      <legend>{t('choose.pop.legend')}</legend>
      <div className="check">
        <input
          id="leave-on-server"
          type="checkbox"
          checked={state.leaveOnServer}
          aria-describedby="leave-hint"
          onChange={(e) => update({ leaveOnServer: e.target.checked })}
        />
        <label htmlFor="leave-on-server">{t('choose.pop.leave')}</label>
      </div>
      <p id="leave-hint" className="hint">
        {state.leaveOnServer ? t('choose.pop.leaveHint') : t('choose.pop.deleteHint')}
      </p>
      {state.leaveOnServer && (
        <div className="check inline-number">
          <input
            id="delete-after"
            type="checkbox"
            checked={state.deleteAfterDays}
            onChange={(e) => update({ deleteAfterDays: e.target.checked })}
          />
          <label htmlFor="delete-after">{t('choose.pop.deleteAfter')}</label>
          <input
            id="days"
            type="number"
            min={1}
            max={36500}
            value={state.daysToLeave}
            disabled={!state.deleteAfterDays}
            aria-label={t('choose.pop.days')}
            onChange={(e) => update({ daysToLeave: Math.max(1, Math.min(36500, Number(e.target.value) || 1)) })}
          />
          <span aria-hidden="true">{t('choose.pop.daysUnit')}</span>
        </div>
      )}
    </fieldset>
  )
}
