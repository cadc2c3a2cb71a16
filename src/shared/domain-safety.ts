// Homoglyph defence for the domain the user typed (UTS #39, "highly restrictive" level): a
// label may use one script, or Latin with the Han/Kana, Han/Bopomofo or Han/Hangul mixes of
// Japanese, Chinese and Korean. `аpple.com` (Cyrillic а) mixes Cyrillic and Latin and is
// flagged; the wizard and the CLI show both forms of a domain whose ASCII form differs.
// Pure: runs in the renderer and in main.

const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Georgian',
  'Arabic',
  'Hebrew',
  'Syriac',
  'Thaana',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Tibetan',
  'Myanmar',
  'Khmer',
  'Ethiopic',
  'Cherokee',
  'Mongolian',
  'Han',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Hangul'
] as const
export type ScriptName = (typeof SCRIPTS)[number] | 'Other'

const TESTS = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')] as const)
const COMMON = /[\p{Script=Common}\p{Script=Inherited}]/u

function scriptOf(ch: string): ScriptName | undefined {
  if (COMMON.test(ch)) return undefined
  for (const [name, re] of TESTS) if (re.test(ch)) return name
  return 'Other'
}

/** UTS #39 §5.2 highly restrictive: one script, or one of the CJK sets with Latin. */
const ALLOWED_SETS: ScriptName[][] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul']
]

/** The scripts of a label, when they make a mix UTS #39 does not allow; undefined when fine. */
export function mixedScripts(label: string): ScriptName[] | undefined {
  const found = new Set<ScriptName>()
  for (const ch of label) {
    const s = scriptOf(ch)
    if (s) found.add(s)
  }
  if (found.size <= 1) return undefined
  const list = [...found]
  return ALLOWED_SETS.some((set) => list.every((s) => set.includes(s))) ? undefined : list
}

export interface DomainNotice {
  unicode: string
  ascii: string
  /** The label and its scripts, for each label that mixes scripts. */
  mixed: Array<{ label: string; scripts: ScriptName[] }>
}

/** What to show about a domain: both forms when they differ, and any mixed-script label. */
export function domainNotice(unicode: string, ascii: string): DomainNotice | undefined {
  const mixed = unicode
    .split('.')
    .map((label) => ({ label, scripts: mixedScripts(label) }))
    .filter((x): x is { label: string; scripts: ScriptName[] } => Boolean(x.scripts))
  if (unicode === ascii && !mixed.length) return undefined
  return { unicode, ascii, mixed }
}
