import { useCallback, useEffect, useRef, useState } from 'react';
import { gql } from './api';

export interface QueryState<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs a query when its variables change (the latest answer wins). `skip` leaves it idle. */
export function useQuery<T>(query: string, variables: Record<string, unknown> | undefined, skip = false): QueryState<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: !skip });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(variables ?? {});
  const latest = useRef(0);
  const loaded = useRef<string | null>(null);
  useEffect(() => {
    const wanted = `${query}#${key}#${tick}`;
    if (skip || loaded.current === wanted) return;
    const run = ++latest.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    gql<T>(query, JSON.parse(key) as Record<string, unknown>).then(
      (data) => {
        if (run !== latest.current) return;
        loaded.current = wanted;
        setState({ data, error: null, loading: false });
      },
      (error: unknown) => run === latest.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [query, key, skip, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** navigator.onLine, kept current. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/** Today in Vietnam (YYYY-MM-DD), whatever the device's zone. */
export function vietnamToday(offsetDays = 0): string {
  return new Date(Date.now() + 7 * 3600_000 + offsetDays * 86400_000).toISOString().slice(0, 10);
}

/** Now in Vietnam as "YYYY-MM-DDTHH:mm" (the API's local-time format). */
export function vietnamNowLocal(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16);
}

/** "2026-12-05T08:00:00+07:00" → "05/12 08:00". */
export function shortTime(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]} ${m[4]}:${m[5]}` : iso;
}

/** "2026-12-05" → "05/12/2026", the way days are written in Vietnam (and on every screen of the console). */
export function dayText(isoDay: string): string {
  return isoDay.slice(0, 10).split('-').reverse().join('/');
}

/** Runs `sync` when the screen opens, when the connection returns, and every 20 seconds (it does nothing offline). */
export function useSyncLoop(sync: () => void): void {
  useEffect(() => {
    sync();
    window.addEventListener('online', sync);
    const timer = setInterval(sync, 20_000);
    return () => {
      window.removeEventListener('online', sync);
      clearInterval(timer);
    };
  }, [sync]);
}
