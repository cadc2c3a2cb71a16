// The only URLs the app will hand to the system browser: provider help pages and OAuth
// sign-in. Everything else is refused, whatever the renderer asks.
const ALLOWED_HOSTS = [
  'support.microsoft.com',
  'learn.microsoft.com',
  'login.microsoftonline.com',
  'accounts.google.com',
  'support.google.com',
  'myaccount.google.com',
  'help.yahoo.com',
  'login.yahoo.com',
  'support.apple.com',
  'appleid.apple.com',
  'account.apple.com',
  'help.aol.com',
  'login.aol.com',
  'www.thunderbird.net',
  'support.mozilla.org'
]

export function isAllowedExternalUrl(url: string, extraOrigins: string[] = []): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (extraOrigins.includes(parsed.origin)) return true
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false
  return ALLOWED_HOSTS.includes(parsed.hostname)
}
