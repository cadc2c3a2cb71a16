// English words for diagnosis codes and source reasons, from the same locale file the wizard uses.
import type { Diagnosis } from '../../shared/diagnosis'
import type { SourceReason } from '../../shared/source-reason'
import locale from '../../shared/locales/en.json' with { type: 'json' }

type Entry = { title?: string; what?: string; todo?: string; admin?: string }

function fill(text: string | undefined, params: Record<string, string | number | undefined>): string | undefined {
  return text?.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, key: string) => String(params[key] ?? ''))
}

/** A discovery source's reason in words, with the code for whoever searches logs: "not found (http-404)". */
export function describeSourceReason(reason: SourceReason): string {
  const words = (locale.ui.sourceReason as Record<string, string>)[reason]
  return words ? `${words} (${reason})` : reason
}

export function describeDiagnosis(d: Diagnosis): Required<Entry> {
  const entry = ((locale.diagnosis as Record<string, Entry>)[d.code] ?? {}) as Entry &
    Record<string, string | undefined>
  const params = { host: d.host, port: d.port, protocol: d.protocol, ...(d.params ?? {}) }
  // As i18next does in the wizard: params.context picks `what_<context>` where there is one.
  const part = (name: keyof Entry): string | undefined =>
    (d.params?.context ? entry[`${name}_${d.params.context}`] : undefined) ?? entry[name]
  return {
    title: fill(part('title'), params) ?? d.code,
    what: fill(part('what'), params) ?? '',
    todo: fill(part('todo'), params) ?? '',
    admin: fill(part('admin'), params) ?? ''
  }
}
