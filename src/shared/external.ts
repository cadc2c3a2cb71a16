// Which URLs the app will hand to the system browser: the pages the provider table links to
// (help and app-password pages) and the OAuth sign-in origins, both given by main
// (src/main/external-origins.ts), plus the app's own help. Everything else is refused,
// whatever the renderer asks.
const APP_HELP_ORIGINS = ['https://www.thunderbird.net', 'https://support.mozilla.org']

export function isAllowedExternalUrl(url: string, allowedOrigins: string[]): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.username || parsed.password) return false
  if (allowedOrigins.includes(parsed.origin)) return true
  return parsed.protocol === 'https:' && APP_HELP_ORIGINS.includes(parsed.origin)
}
