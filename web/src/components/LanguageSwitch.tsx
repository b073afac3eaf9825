import { setLanguage, useLanguage } from '../i18n/language-store';
import { useTexts } from '../i18n/texts';

export function LanguageSwitch() {
  const t = useTexts();
  const language = useLanguage();
  return (
    <button
      type="button"
      className="language-switch"
      lang={language === 'ja' ? 'en' : 'ja'}
      aria-label={t.languageSwitchLabel}
      onClick={() => setLanguage(language === 'ja' ? 'en' : 'ja')}
    >
      {t.languageSwitch}
    </button>
  );
}
