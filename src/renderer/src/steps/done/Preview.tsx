import { useTranslation } from 'react-i18next'
import type { ExportFile } from '../../../../shared/account'

/** The file as it will be saved: an image for the QR codes, the text for everything else. */
export function Preview({ file, name }: { file: ExportFile; name: string }): React.JSX.Element {
  const { t } = useTranslation()
  if (file.mimeType.startsWith('image/')) {
    const src =
      file.encoding === 'base64'
        ? `data:${file.mimeType};base64,${file.content}`
        : `data:${file.mimeType};charset=utf-8,${encodeURIComponent(file.content)}`
    return (
      <figure className="qr">
        <img src={src} alt={t('export.qrAlt', { name })} />
        <figcaption>{t('export.qrHelp')}</figcaption>
      </figure>
    )
  }
  const text = file.encoding === 'base64' ? t('export.binary') : file.content
  return (
    <pre className="preview" dir="ltr" tabIndex={0} aria-label={t('export.previewLabel', { file: file.fileName })}>
      {text}
    </pre>
  )
}
