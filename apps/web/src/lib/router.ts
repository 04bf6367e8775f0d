import { useEffect, useState } from 'react';

/** A tiny history router: the API answers index.html for every client path. */
export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event('cdtg:navigate'));
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const read = () => ({ path: location.pathname, query: new URLSearchParams(location.search) });
  const [current, setCurrent] = useState(read);
  useEffect(() => {
    const update = () => setCurrent(read());
    window.addEventListener('popstate', update);
    window.addEventListener('cdtg:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('cdtg:navigate', update);
    };
  }, []);
  return current;
}
