// The bulk check's outputs: a CSV of every row and a self-contained HTML report grouped by
// verdict and by server, each row with the words for its verdict and diagnosis and its
// evidence. Every value was redacted when the row was made; here it is escaped for its file.
import { forHtml, forText } from '../../shared/escape'
import locale from '../../shared/locales/en.json' with { type: 'json' }
import { describeDiagnosis } from '../cli/catalog'
import type { DiagnosisCode } from '../../shared/diagnosis'
import { csvLine } from './csv'
import type { CheckResult, Verdict } from './check'
import { diagnose } from '../../shared/diagnosis-catalog'

const COLUMNS = [
  'row',
  'address',
  'verdict',
  'code',
  'incoming',
  'outgoing',
  'username',
  'username_form',
  'server_says',
  'ms'
] as const

/** Problems first, in the order a helpdesk works through them; ready rows last. */
export const VERDICT_ORDER: Verdict[] = [
  'locked-or-limited',
  'sign-in-refused',
  'server-problem',
  'needs-confirmation',
  'no-settings',
  'no-password',
  'ready'
]

export const verdictWords = (v: Verdict): string => (locale.ui.bulk.verdict as Record<Verdict, string>)[v]

export function csvHeader(): string {
  return csvLine([...COLUMNS])
}

export function csvRow(r: CheckResult): string {
  return csvLine(
    [
      r.row,
      r.address,
      r.verdict,
      r.code,
      r.incoming,
      r.outgoing,
      r.username,
      r.usernameForm,
      r.serverSays && forText(r.serverSays),
      r.ms
    ].map((v) => (typeof v === 'string' ? forText(v) : v))
  )
}

/** The diagnosis title for a code (the row keeps no parameters, so no sentence that needs them). */
function codeWords(code: string | undefined): string {
  return code ? describeDiagnosis(diagnose(code as DiagnosisCode)).title : ''
}

function table(rows: CheckResult[]): string {
  const head =
    '<tr><th>#</th><th>Address</th><th>Verdict</th><th>Why</th><th>Servers</th><th>User name</th><th>Server said</th></tr>'
  const body = rows
    .map((r) => {
      const h = (v: string | number | undefined): string => forHtml(v === undefined ? '' : String(v))
      return `<tr class="${h(r.verdict)}"><td>${r.row}</td><td>${h(r.address)}</td><td>${h(verdictWords(r.verdict))}</td><td>${h(codeWords(r.code))}${r.code ? ` <code>${h(r.code)}</code>` : ''}</td><td>${h(r.incoming)}<br>${h(r.outgoing)}</td><td>${h(r.username)}${r.usernameForm ? ` (${h(r.usernameForm)})` : ''}</td><td>${h(r.serverSays)}</td></tr>`
    })
    .join('\n')
  return `<table>${head}\n${body}</table>`
}

export function htmlReport(
  results: CheckResult[],
  meta: { source: string; started: string; ms: number; interrupted: boolean }
): string {
  const byVerdict = VERDICT_ORDER.map((v) => [v, results.filter((r) => r.verdict === v)] as const).filter(
    ([, rows]) => rows.length
  )
  const servers = new Map<string, Map<Verdict, number>>()
  for (const r of results) {
    const key = (r.incoming ?? 'no server').split(' ')[1] ?? 'no server'
    const counts = servers.get(key) ?? new Map<Verdict, number>()
    counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1)
    servers.set(key, counts)
  }
  const serverRows = [...servers]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([host, counts]) =>
        `<tr><td>${forHtml(host)}</td>${VERDICT_ORDER.map((v) => `<td>${counts.get(v) ?? ''}</td>`).join('')}</tr>`
    )
    .join('\n')
  const summary = byVerdict
    .map(([v, rows]) => `<li><a href="#${v}">${forHtml(verdictWords(v))}</a>: ${rows.length}</li>`)
    .join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Mail Setup — bulk check</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:start;vertical-align:top;overflow-wrap:anywhere}tr.ready td:nth-child(3){color:#176b2c}tr:not(.ready) td:nth-child(3){color:#a4161a;font-weight:600}code{font-size:12px;color:#555}</style></head>
<body><h1>Bulk check: ${results.length} account(s)</h1>
<p>${forHtml(meta.source)} — started ${forHtml(meta.started)}, ${Math.round(meta.ms / 1000)} s${meta.interrupted ? ' — <strong>interrupted: the remaining rows were not checked</strong>' : ''}</p>
<ul>${summary}</ul>
${byVerdict.map(([v, rows]) => `<h2 id="${v}">${forHtml(verdictWords(v))} (${rows.length})</h2>\n${table(rows)}`).join('\n')}
<h2>By server</h2>
<table><tr><th>Incoming server</th>${VERDICT_ORDER.map((v) => `<th>${forHtml(verdictWords(v))}</th>`).join('')}</tr>
${serverRows}</table>
</body></html>
`
}
