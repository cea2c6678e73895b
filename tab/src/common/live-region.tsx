import type { ReactNode } from 'react';

/**
 * A region screen readers read out when its content changes. It is rendered before anything is put
 * in it: a live region that appears together with its text is often not announced.
 */
export function LiveRegion(props: {
  children?: ReactNode;
  assertive?: boolean;
  id?: string;
  className?: string;
}) {
  return (
    <div
      id={props.id}
      className={props.className}
      role={props.assertive ? 'alert' : 'status'}
      aria-live={props.assertive ? 'assertive' : 'polite'}
      aria-atomic="true"
    >
      {props.children}
    </div>
  );
}

/** Text only screen readers get (the class is in app.css). */
export function VisuallyHidden(props: { children: ReactNode }) {
  return <span className="visually-hidden">{props.children}</span>;
}
