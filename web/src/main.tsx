import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ConsoleApp } from './console/ConsoleApp';
import { currentLanguage } from './i18n/language-store';
import './styles.css';

document.documentElement.lang = currentLanguage();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {window.location.pathname.startsWith('/console') ? <ConsoleApp /> : <App />}
  </StrictMode>,
);
