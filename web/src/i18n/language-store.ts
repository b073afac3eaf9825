import { useSyncExternalStore } from 'react';

// The chosen language: Japanese by default, English on request. Kept in localStorage — a
// preference, never a secret (the session lives only in an HttpOnly cookie).

export type Language = 'ja' | 'en';
const STORAGE_KEY = 'kabuto.language';
const listeners = new Set<() => void>();

function readStored(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}

let language: Language = readStored();

export function currentLanguage(): Language {
  return language;
}

export function setLanguage(next: Language): void {
  language = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private browsing: the choice lasts for this page only.
  }
  document.documentElement.lang = next;
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLanguage(): Language {
  return useSyncExternalStore(subscribe, currentLanguage);
}
