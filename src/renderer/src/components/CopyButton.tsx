import { useState } from 'react'
import { useTranslation } from 'react-i18next'

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // Clipboard API refused (no permission or no focus): fall back to a selection copy.
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.className = 'offscreen'
    document.body.append(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    return ok
  }
}

export function CopyButton({
  text,
  label
}: {
  text: () => string | Promise<string>
  label: string
}): React.JSX.Element {
  const { t } = useTranslation()
  const [done, setDone] = useState<'' | 'copied' | 'failed'>('')
  return (
    <span className="copy">
      <button
        type="button"
        className="secondary"
        onClick={() =>
          void Promise.resolve(text())
            .then(copyText)
            .then((ok) => setDone(ok ? 'copied' : 'failed'))
        }
      >
        {label}
      </button>
      <span role="status" className="copy-status">
        {done && t(`common.${done}`)}
      </span>
    </span>
  )
}
