import { currentLanguage } from '../i18n/language-store';

// Every request of the portal: same-origin JSON with the session cookie; errors become ApiError.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
    readonly fields: Record<string, unknown>,
  ) {
    super(`${status} ${code}`);
  }
}

const sessionEndedListeners = new Set<() => void>();
const activityListeners = new Set<(at: number) => void>();
let lastActivity = Date.now();

/** When the server last saw this browser (each answered request keeps the session alive). */
export function lastActivityAt(): number {
  return lastActivity;
}

export function onActivity(listener: (at: number) => void): () => void {
  activityListeners.add(listener);
  return () => activityListeners.delete(listener);
}

/** The session is over (the server said so, or the idle limit passed here first): tell the app. */
export function endSessionHere(): void {
  sessionEndedListeners.forEach((listener) => listener());
}

/** Called when a signed-in request answers 401 unauthenticated (idle or absolute timeout, or signed out elsewhere). */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLanguage() };
  // The contract: every state change is JSON, even with an empty body.
  if (method !== 'GET') headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'network_error', '', {});
  }
  if (response.status !== 401) {
    lastActivity = Date.now();
    activityListeners.forEach((listener) => listener(lastActivity));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const errorBody = (parsed ?? {}) as { error?: string; message?: string } & Record<string, unknown>;
    const { error, message, ...fields } = errorBody;
    if (error === 'unauthenticated' && path !== '/api/v1/me') endSessionHere();
    throw new ApiError(response.status, typeof error === 'string' ? error : `http_${response.status}`, typeof message === 'string' ? message : '', fields);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  delete: <T>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
