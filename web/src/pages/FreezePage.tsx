import { useState } from 'react';
import { fetchFreeze, freeze, reportNotMe, unfreezeWithPasskey, type Freeze, type FreezeLevel } from '../api/endpoints';
import { Alert } from '../components/Alert';
import { BusyButton } from '../components/BusyButton';
import { PageTitle } from '../components/PageTitle';
import { formatTime } from '../format';
import { useLoad } from '../hooks/useLoad';
import { errorText } from '../i18n/error-text';
import { useLanguage } from '../i18n/language-store';
import { useTexts } from '../i18n/texts';
import { useDefenceTexts } from '../i18n/texts-defences';
import { useSession } from '../session';

const LEVELS: FreezeLevel[] = ['withdrawals', 'orders', 'sign_in'];
const stateOf = (state: Freeze, level: FreezeLevel) => (level === 'withdrawals' ? state.withdrawals : level === 'orders' ? state.orders : state.signIn);

/** 取引制限・ログイン一時停止: three switches (freeze at once, lift with a passkey), and 「心当たりがない」. */
export function FreezePage() {
  const t = useTexts();
  const d = useDefenceTexts();
  const language = useLanguage();
  const { signOut } = useSession();
  const loaded = useLoad(fetchFreeze);
  const [state, setState] = useState<Freeze | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const current = state ?? (loaded.state === 'ready' ? loaded.data : null);

  const run = async (key: string, work: () => Promise<Freeze | null>, message: string) => {
    setBusy(key);
    setError(null);
    setDone(null);
    try {
      const next = await work();
      if (next) setState(next);
      setDone(message);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  const stop = (level: FreezeLevel) => {
    if (level === 'sign_in') {
      if (!window.confirm(d.freeze.confirmSignIn)) return;
      // The session ends with it: back to the sign-in page.
      void freeze([level]).then(() => signOut(), setError);
      return;
    }
    void run(`stop-${level}`, () => freeze([level]), d.freeze.stopped);
  };

  const notMe = () => {
    if (!window.confirm(d.freeze.notMeConfirm)) return;
    void reportNotMe().then(() => signOut(), setError);
  };

  return (
    <>
      <PageTitle title={d.freeze.title}>{d.freeze.title}</PageTitle>
      <p>{d.freeze.intro}</p>
      {done ? <Alert kind="success">{done}</Alert> : null}
      {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
      {current ? (
        <section className="card" aria-labelledby="fz-levels">
          <h2 id="fz-levels">{d.freeze.stateHeading}</h2>
          <ul className="menu-list freeze-list">
            {LEVELS.map((level) => {
              const s = stateOf(current, level);
              return (
                <li key={level} data-testid={`freeze-${level}`}>
                  <span>
                    <strong>{d.freeze.levels[level]}</strong> <span className={`status ${s.frozen ? 'status-off' : 'status-on'}`}>{s.frozen ? d.freeze.frozen : d.freeze.open}</span>
                    {s.frozen && s.since ? <span className="help"> {d.freeze.since(formatTime(s.since, language))}</span> : null}
                  </span>
                  {s.frozen ? (
                    current.liftWithPasskey ? (
                      <BusyButton busy={busy === `lift-${level}`} className="secondary" onClick={() => void run(`lift-${level}`, () => unfreezeWithPasskey([level]), d.freeze.lifted)}>
                        {d.freeze.lift}
                      </BusyButton>
                    ) : (
                      <span className="help">{d.freeze.liftByPhone}</span>
                    )
                  ) : (
                    <BusyButton busy={busy === `stop-${level}`} className="danger" onClick={() => stop(level)}>
                      {d.freeze.stop}
                    </BusyButton>
                  )}
                </li>
              );
            })}
          </ul>
          {current.withdrawalsHeldUntil ? <p className="help">{d.freeze.heldUntil(formatTime(current.withdrawalsHeldUntil, language))}</p> : null}
        </section>
      ) : (
        <p role="status">{t.loading}</p>
      )}
      <section className="card" aria-labelledby="fz-not-me">
        <h2 id="fz-not-me">{d.freeze.notMe}</h2>
        <p>{d.freeze.notMeIntro}</p>
        <button type="button" className="danger" onClick={notMe}>
          {d.freeze.notMeButton}
        </button>
      </section>
    </>
  );
}
