import { useState } from 'react';
import { fetchMfaSettings } from '../api/endpoints';
import type { MfaSettings } from '../api/types';
import { Alert } from '../components/Alert';
import { NextStep } from '../components/NextStep';
import { PageTitle } from '../components/PageTitle';
import { useLoad } from '../hooks/useLoad';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';
import { MfaForm } from './MfaForm';

/** 登録情報 → 二要素認証: method, scope, trading password, 送信, the code, 実行する. */
export function MfaSettingsPage() {
  const t = useTexts();
  const settings = useLoad(fetchMfaSettings);
  const [done, setDone] = useState<MfaSettings | null>(null);
  return (
    <>
      <PageTitle title={t.mfa.title}>{t.mfa.title}</PageTitle>
      {done ? <Alert kind="success">{t.mfa.done}</Alert> : null}
      {done && done.method !== 'none' ? <NextStep /> : null}
      {settings.state === 'loading' ? <p>{t.loading}</p> : null}
      {settings.state === 'failed' ? <Alert kind="error" focus={false}>{errorText(t, settings.error)}</Alert> : null}
      {settings.state === 'ready' ? (
        <MfaForm
          key={JSON.stringify(done ?? settings.data)}
          settings={done ?? settings.data}
          onChanged={(next) => {
            setDone(next);
          }}
        />
      ) : null}
    </>
  );
}

