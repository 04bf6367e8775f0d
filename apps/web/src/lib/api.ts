/**
 * A small GraphQL client over fetch: the public API at /graphql with the signed-in user's access token, refreshed
 * before it expires (and once more on UNAUTHENTICATED). Refresh tokens rotate on every use and a replayed one ends
 * the session, so refreshes are serialised across tabs (Web Locks) and each tab re-reads the stored pair first.
 */

import type { ReasonParams } from './reasons';

export interface FieldProblem {
  path: (string | number)[];
  /** The server's English text: for logs, never shown (the console translates `reason`). */
  message: string;
  reason?: string;
  params?: ReasonParams;
}

/** An API refusal (extensions.code) or 'OFFLINE' when the server could not be reached. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly fields: FieldProblem[] = [],
    readonly retryAfterSeconds?: number,
    /** Why (the API's ErrorReason) and its parameters: what the console translates. */
    readonly reason?: string,
    readonly params?: ReasonParams,
  ) {
    super(message);
  }
}

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
}

const STORAGE_KEY = 'cdtg.session';
const listeners = new Set<(session: Session | null) => void>();

export function currentSession(): Session | null {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
  } catch {
    return null;
  }
}

export function setSession(session: Session | null): void {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener(session);
}

export function onSessionChange(listener: (session: Session | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const AUTH_FIELDS = 'accessToken accessTokenExpiresAt refreshToken';

interface GqlBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; reason?: string; params?: ReasonParams; fields?: FieldProblem[]; retryAfterSeconds?: number } }[];
}

async function post<T>(query: string, variables: Record<string, unknown> | undefined, token: string | null): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError('network unreachable', 'OFFLINE');
  }
  let body: GqlBody<T>;
  try {
    body = (await response.json()) as GqlBody<T>;
  } catch {
    throw new ApiError(
      `HTTP ${response.status}`,
      response.status === 413 ? 'PAYLOAD_TOO_LARGE' : response.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR',
    );
  }
  const first = body.errors?.[0];
  if (first) {
    const x = first.extensions;
    throw new ApiError(first.message, x?.code ?? 'INTERNAL_SERVER_ERROR', x?.fields ?? [], x?.retryAfterSeconds, x?.reason, x?.params);
  }
  if (!body.data) throw new ApiError(`HTTP ${response.status}`, 'INTERNAL_SERVER_ERROR');
  return body.data;
}

let refreshing: Promise<Session | null> | null = null;

/** A new token pair for the stored refresh token (one refresh at a time, across tabs). Null: signed out. */
export function refreshSession(): Promise<Session | null> {
  refreshing ??= (async () => {
    const before = currentSession()?.refreshToken;
    const run = async (): Promise<Session | null> => {
      const stored = currentSession();
      if (!stored) return null;
      if (stored.refreshToken !== before && !expiresSoon(stored)) return stored; // another tab refreshed meanwhile
      try {
        const data = await post<{ refreshSession: Session }>(
          `mutation($t: String!) { refreshSession(refreshToken: $t) { ${AUTH_FIELDS} } }`,
          { t: stored.refreshToken },
          null,
        );
        setSession(data.refreshSession);
        return data.refreshSession;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'OFFLINE') throw error;
        setSession(null);
        return null;
      }
    };
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    return locks ? ((await locks.request('cdtg-refresh', run)) as Session | null) : run();
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function expiresSoon(session: Session): boolean {
  return new Date(session.accessTokenExpiresAt).getTime() - Date.now() < 30_000;
}

/**
 * A query or mutation as the signed-in user (or anonymously with `anonymous: true`). A query refused with
 * SERVICE_UNAVAILABLE (the API lost its database connection, or had none free) is retried twice after the delay the
 * API asks for; mutations are not (whether they happened is unknown; the caller shows the error).
 */
export async function gql<T>(query: string, variables?: Record<string, unknown>, options: { anonymous?: boolean } = {}): Promise<T> {
  const isQuery = /^\s*(query\b|\{)/.test(query);
  for (let attempt = 0; ; attempt++) {
    try {
      return await send<T>(query, variables, options);
    } catch (error) {
      if (!isQuery || attempt >= 2 || !(error instanceof ApiError) || error.code !== 'SERVICE_UNAVAILABLE') throw error;
      await new Promise((r) => setTimeout(r, (error.retryAfterSeconds ?? 2) * 1000));
    }
  }
}

async function send<T>(query: string, variables: Record<string, unknown> | undefined, options: { anonymous?: boolean }): Promise<T> {
  if (options.anonymous) return post<T>(query, variables, null);
  let session = currentSession();
  if (!session) throw new ApiError('not signed in', 'UNAUTHENTICATED');
  if (expiresSoon(session)) session = await refreshSession();
  if (!session) throw new ApiError('session ended', 'UNAUTHENTICATED');
  try {
    return await post<T>(query, variables, session.accessToken);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'UNAUTHENTICATED') throw error;
    const renewed = await refreshSession();
    if (!renewed) throw error;
    return post<T>(query, variables, renewed.accessToken);
  }
}

/** A same-origin path for a link the API made with its PUBLIC_URL (the console is served by that same API). */
export function sameOrigin(link: string): string {
  const url = new URL(link, location.origin);
  return `${url.pathname}${url.search}`;
}
