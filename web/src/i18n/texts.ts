import { useLanguage, type Language } from './language-store';
import { en } from './texts-en';
import { ja, type Texts } from './texts-ja';

const TEXTS: Record<Language, Texts> = { ja, en };

export function useTexts(): Texts {
  return TEXTS[useLanguage()];
}

export type { Texts };
