// i18next with one JSON file per language (src/shared/locales/<lng>.json), holding the
// `ui` and `diagnosis` namespaces. Adding a language is adding that one file: the list of
// languages is whatever the build finds.
// English is bundled (the fallback); other languages load on demand.
import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'

type Bundle = Record<string, unknown>
const NAMESPACES = ['ui', 'diagnosis'] as const

const eager = import.meta.glob<Record<string, Bundle>>('../../shared/locales/en.json', {
  eager: true,
  import: 'default'
})
const lazy = import.meta.glob<Record<string, Bundle>>(
  ['../../shared/locales/*.json', '!../../shared/locales/en.json'],
  { import: 'default' }
)

const languageOf = (path: string): string => /locales\/([^/]+)\.json$/.exec(path)?.[1] ?? ''

export const languages: string[] = [...new Set([...Object.keys(eager), ...Object.keys(lazy)].map(languageOf))].sort()

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
  const entry = Object.entries(lazy).find(([path]) => languageOf(path) === lng)
  if (!entry || i18next.hasResourceBundle(lng, 'ui')) return
  const file = await entry[1]()
  for (const ns of NAMESPACES) if (file[ns]) i18next.addResourceBundle(lng, ns, file[ns], true, true)
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
  const resources: Record<string, Record<string, Bundle>> = { en: Object.values(eager)[0] ?? {} }
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
