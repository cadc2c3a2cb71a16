import { i18next } from '../i18n'

/**
 * Milliseconds as the current language writes numbers. Number and unit are joined by
 * no-break spaces so a narrow column never splits them (Arabic's unit is two words).
 */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return ''
  const n = new Intl.NumberFormat(i18next.language).format(Math.round(ms))
  return i18next.t('units.ms', { value: n }).replace(/ /g, '\u00a0')
}

export function hostPort(host: string, port: number): string {
  return `${host}:${port}`
}

/** A date and time as the current language writes them; text that is not a date is shown as it is. */
export function formatDate(value: string, lng: string = i18next.language): string {
  const d = new Date(value)
  return Number.isNaN(d.getTime())
    ? value
    : new Intl.DateTimeFormat(lng, { dateStyle: 'medium', timeStyle: 'short' }).format(d)
}
