// English words for diagnosis codes, from the same locale file the wizard uses.
import type { Diagnosis } from '../../shared/diagnosis'
import locale from '../../shared/locales/en.json'

type Entry = { title?: string; what?: string; todo?: string; admin?: string }

function fill(text: string | undefined, params: Record<string, string | number | undefined>): string | undefined {
  return text?.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, key: string) => String(params[key] ?? ''))
}

export function describeDiagnosis(d: Diagnosis): Required<Entry> {
  const entry = ((locale.diagnosis as Record<string, Entry>)[d.code] ?? {}) as Entry
  const params = { host: d.host, port: d.port, protocol: d.protocol, ...(d.params ?? {}) }
  return {
    title: fill(entry.title, params) ?? d.code,
    what: fill(entry.what, params) ?? '',
    todo: fill(entry.todo, params) ?? '',
    admin: fill(entry.admin, params) ?? ''
  }
}
