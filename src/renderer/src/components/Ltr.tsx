import type { ReactNode } from 'react'

/** Host names, ports, addresses and server text read left to right in every language. */
export function Ltr({ children, className }: { children: ReactNode; className?: string }): React.JSX.Element {
  return (
    <bdi dir="ltr" className={className}>
      {children}
    </bdi>
  )
}

/**
 * The same for a value inside a translated sentence (a plain string, so no element): in
 * right-to-left text it is isolated with FSI … PDI, which is what <bdi> does.
 */
export function ltrValue(text: string, dir: 'ltr' | 'rtl'): string {
  return dir === 'rtl' && text ? `\u2068${text}\u2069` : text
}
