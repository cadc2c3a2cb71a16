// A link to a page outside the app. In the window, main opens it in the system browser after
// checking it against the allow-list; in browser mode it is an ordinary link to a new tab.
import type { ReactNode } from 'react'
import { api } from '../api'

export function ExternalLink({
  href,
  children,
  className
}: {
  href: string
  children: ReactNode
  className?: string
}): React.JSX.Element {
  function open(e: React.MouseEvent): void {
    if (!window.mailSetup) return
    e.preventDefault()
    void api.openExternal({ url: href })
  }
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className={className} onClick={open}>
      {children}
    </a>
  )
}
