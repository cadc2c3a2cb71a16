// i18next with one JSON file per language and namespace (src/shared/locales/<ns>/<lng>.json).
// Adding a language is adding those files: the list of languages is whatever the build finds.
// English is bundled (the fallback); other languages load on demand.
import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'

type Bundle = Record<string, unknown>
const NAMESPACES = ['ui', 'diagnosis'] as const

const eager = import.meta.glob<Bundle>('../../shared/locales/*/en.json', { eager: true, import: 'default' })
const lazy = import.meta.glob<Bundle>(['../../shared/locales/*/*.json', '!../../shared/locales/*/en.json'], { import: 'default' })

function parts(path: string): { ns: string; lng: string } {
  const m = /locales\/([^/]+)\/([^/]+)\.json$/.exec(path)
  return { ns: m?.[1] ?? '', lng: m?.[2] ?? '' }
}

export const languages: string[] = [
  ...new Set(
    [...Object.keys(eager), ...Object.keys(lazy)]
      .map(parts)
      .filter((p) => p.ns === 'ui')
      .map((p) => p.lng)
  )
].sort()

const STORAGE_KEY = 'mail-setup-language'

function pickLanguage(): string {
  const saved = localStorage.getItem(STORAGE_KEY)
  if (saved && languages.includes(saved)) return saved
  for (const tag of navigator.languages) {
    const base = tag.toLowerCase().split('-')[0] ?? ''
    if (languages.includes(base)) return base
  }
  return 'en'
}

async function load(lng: string): Promise<void> {
  const jobs = Object.entries(lazy)
    .filter(([path]) => parts(path).lng === lng)
    .map(async ([path, importer]) => {
      const { ns } = parts(path)
      if (!i18next.hasResourceBundle(lng, ns)) i18next.addResourceBundle(lng, ns, await importer(), true, true)
    })
  await Promise.all(jobs)
}

function applyToDocument(lng: string): void {
  document.documentElement.lang = lng
  document.documentElement.dir = i18next.dir(lng)
}

export async function setLanguage(lng: string): Promise<void> {
  await load(lng)
  await i18next.changeLanguage(lng)
  localStorage.setItem(STORAGE_KEY, lng)
}

export async function initI18n(): Promise<void> {
  const resources: Record<string, Record<string, Bundle>> = { en: {} }
  for (const [path, bundle] of Object.entries(eager)) {
    const { ns } = parts(path)
    resources.en![ns] = bundle
  }
  const lng = pickLanguage()
  i18next.on('languageChanged', applyToDocument)
  await i18next.use(initReactI18next).init({
    resources,
    lng: 'en',
    fallbackLng: 'en',
    ns: [...NAMESPACES],
    defaultNS: 'ui',
    interpolation: { escapeValue: false },
    returnNull: false
  })
  applyToDocument('en')
  if (lng !== 'en') await setLanguage(lng)
}

/** The language's name in that language, for the language menu. */
export function languageName(lng: string): string {
  try {
    return new Intl.DisplayNames([lng], { type: 'language' }).of(lng) ?? lng
  } catch {
    return lng
  }
}

export { i18next }
