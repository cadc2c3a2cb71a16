import { i18next } from '../i18n'

/** Milliseconds as the current language writes numbers. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return ''
  const n = new Intl.NumberFormat(i18next.language).format(Math.round(ms))
  return i18next.t('units.ms', { value: n })
}

export function hostPort(host: string, port: number): string {
  return `${host}:${port}`
}
