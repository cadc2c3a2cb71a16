import { useEffect, useRef, type ReactNode } from 'react'

/** Set once the user has moved between steps; before that the first field keeps focus. */
export const navigation = { moved: false }

/** A step's title. Gets focus when the step appears, so screen readers start here. */
export function StepHeading({ children, id }: { children: ReactNode; id?: string }): React.JSX.Element {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (navigation.moved) ref.current?.focus()
  }, [])
  return (
    <h1 ref={ref} tabIndex={-1} id={id} className="step-title">
      {children}
    </h1>
  )
}
