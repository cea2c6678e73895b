import { useEffect, useState } from 'react';

/** The tab's pages, one per hash route (`#/credentials`…); the manifest opens `#/credentials`. */
export type Route = 'credentials' | 'backups' | 'recovery' | 'admins' | 'privacy' | 'terms';

export const ADMIN_ROUTES: readonly { route: Route; label: string }[] = [
  { route: 'credentials', label: 'Credentials' },
  { route: 'backups', label: 'Backups' },
  { route: 'recovery', label: 'Recovery' },
  { route: 'admins', label: 'Admins' },
];

/** Pages anyone may read without signing in: the manifest's privacy and terms links. */
export function isPublicRoute(route: Route): boolean {
  return route === 'privacy' || route === 'terms';
}

function parseRoute(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  switch (name) {
    case 'backups':
    case 'recovery':
    case 'admins':
    case 'privacy':
    case 'terms':
      return name;
    default:
      return 'credentials';
  }
}

export function routeHref(route: Route): string {
  return `#/${route}`;
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
