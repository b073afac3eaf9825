import { useState } from 'react';
import { endOtherSessions, endSession, fetchDevices, fetchNoticePreferences, fetchSessions, putNoticePreferences, removeDevice, type KnownDevice, type SessionEntry } from '../api/endpoints';
import { Alert } from '../components/Alert';
import { BusyButton } from '../components/BusyButton';
import { PageTitle } from '../components/PageTitle';
import { formatTime } from '../format';
import { useLoad } from '../hooks/useLoad';
import { errorText } from '../i18n/error-text';
import { useLanguage } from '../i18n/language-store';
import { useTexts } from '../i18n/texts';
import { useDefenceTexts } from '../i18n/texts-defences';

/** セキュリティ → ログイン中の端末: live sessions (sign out one or all others), known devices (remove), sign-in notices. */
export function DevicesPage() {
  const t = useTexts();
  const d = useDefenceTexts();
  const language = useLanguage();
  const sessions = useLoad(fetchSessions);
  const devices = useLoad(fetchDevices);
  const notices = useLoad(fetchNoticePreferences);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const act = async (key: string, work: () => Promise<unknown>, message: string) => {
    setBusy(key);
    setError(null);
    setDone(null);
    try {
      await work();
      setDone(message);
      sessions.reload();
      devices.reload();
      notices.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  const where = (entry: { place: { country: string | null; city: string | null } }) => (entry.place.country ? [entry.place.country, entry.place.city].filter(Boolean).join(' / ') : d.devices.unknownPlace);
  const what = (entry: { browser: string | null; os: string | null }) => `${entry.browser ?? d.devices.unknownBrowser} / ${entry.os ?? d.devices.unknownOs}`;

  const sessionItem = (session: SessionEntry) => (
    <li key={session.id} className="device" data-testid="session">
      <div>
        <strong>{what(session)}</strong> {session.current ? <span className="status status-on">{d.devices.current}</span> : null}
        <div className="help">
          {session.address}（{where(session)}）・{d.devices.firstSeen} {formatTime(session.firstSeenAt, language)}・{d.devices.lastSeen} {formatTime(session.lastSeenAt, language)}
        </div>
      </div>
      {session.current ? null : (
        <BusyButton busy={busy === session.id} className="secondary" onClick={() => void act(session.id, () => endSession(session.id), d.devices.signedOutOne)}>
          {d.devices.signOut}
        </BusyButton>
      )}
    </li>
  );

  const deviceItem = (device: KnownDevice) => (
    <li key={device.id} className="device" data-testid="known-device">
      <div>
        <strong>{what(device)}</strong> {device.current ? <span className="status status-on">{d.devices.current}</span> : null}
        <div className="help">
          {device.address ?? ''}（{where(device)}）・{d.devices.lastSeen} {formatTime(device.lastSeenAt, language)}・{device.trusted ? `${d.devices.trustedUntil} ${formatTime(device.trustedUntil, language)}` : d.devices.expired}
        </div>
      </div>
      <BusyButton busy={busy === device.id} className="secondary" onClick={() => void act(device.id, () => removeDevice(device.id), d.devices.removed)}>
        {d.devices.remove}
      </BusyButton>
    </li>
  );

  const others = sessions.state === 'ready' && sessions.data.sessions.some((s) => !s.current);
  return (
    <>
      <PageTitle title={d.devices.title}>{d.devices.title}</PageTitle>
      <p>{d.devices.intro}</p>
      {done ? <Alert kind="success">{done}</Alert> : null}
      {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
      <section className="card" aria-labelledby="dv-sessions">
        <h2 id="dv-sessions">{d.devices.sessions}</h2>
        {sessions.state === 'ready' ? <ul className="menu-list device-list">{sessions.data.sessions.map(sessionItem)}</ul> : <p role="status">{t.loading}</p>}
        {others ? (
          <BusyButton busy={busy === 'others'} className="secondary" onClick={() => void act('others', endOtherSessions, d.devices.signedOutOthers)}>
            {d.devices.signOutOthers}
          </BusyButton>
        ) : null}
      </section>
      <section className="card" aria-labelledby="dv-devices">
        <h2 id="dv-devices">{d.devices.devices}</h2>
        <p className="help">{d.devices.devicesIntro}</p>
        {devices.state === 'ready' ? (
          devices.data.devices.length > 0 ? <ul className="menu-list device-list">{devices.data.devices.map(deviceItem)}</ul> : <p>{d.devices.none}</p>
        ) : (
          <p role="status">{t.loading}</p>
        )}
      </section>
      <section className="card" aria-labelledby="dv-notices">
        <h2 id="dv-notices">{d.notices.title}</h2>
        {notices.state === 'ready' ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={notices.data.everySignIn}
              disabled={busy === 'notices'}
              onChange={(e) => void act('notices', () => putNoticePreferences(e.target.checked), d.notices.saved)}
            />{' '}
            {d.notices.everySignIn}
          </label>
        ) : null}
      </section>
    </>
  );
}
