import type { ReactNode } from 'react'

/** Host names, ports, addresses and server text read left to right in every language. */
export function Ltr({ children, className }: { children: ReactNode; className?: string }): React.JSX.Element {
  return (
    <bdi dir="ltr" className={className}>
      {children}
    </bdi>
  )
}
