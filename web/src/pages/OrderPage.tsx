import { useState, type FormEvent } from 'react';
import { useDraft } from '../drafts';
import { fetchInstruments, placeOrder } from '../api/endpoints';
import type { Held, Order } from '../api/types';
import { isHeld } from '../api/holds';
import { HeldNotice } from '../components/HeldNotice';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { TradingPasswordField } from '../components/TradingPasswordField';
import { PageTitle } from '../components/PageTitle';
import { BusyButton } from '../components/BusyButton';
import { useLoad } from '../hooks/useLoad';
import { newIdempotencyKey } from '../format';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';

type Side = 'buy' | 'sell';

/**
 * 注文: 買付 / 売却 with the trading password. No step-up check: the orders route takes none (it refuses
 * a `challengeId`), so the page offers none; any refusal, step_up_required included, is shown as an error.
 */
export function OrderPage() {
  const t = useTexts();
  const instruments = useLoad(fetchInstruments);
  const [symbol, setSymbol] = useState('');
  const [side, setSide] = useState<Side>('buy');
  const [quantity, setQuantity] = useDraft('quantity');
  const [tradingPassword, setTradingPassword] = useState('');
  const [done, setDone] = useState<Order | Held | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const locked = busy;
  const list = instruments.state === 'ready' ? instruments.data : [];
  const chosen = symbol || list[0]?.symbol || '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const order = { symbol: chosen, side, quantity: Number(quantity), tradingPassword, idempotencyKey: newIdempotencyKey() };
    setBusy(true);
    setError(null);
    placeOrder(order)
      .then((placed) => {
        setDone(placed);
        setTradingPassword('');
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };

  if (done && isHeld(done)) {
    return (
      <>
        <PageTitle title={t.order.title}>{t.order.title}</PageTitle>
        <HeldNotice held={done} />
        <button type="button" className="secondary" onClick={() => setDone(null)}>
          {t.order.another}
        </button>
      </>
    );
  }

  if (done) {
    return (
      <>
        <PageTitle title={t.order.title}>{t.order.title}</PageTitle>
        <Alert kind="success">{t.order.done}</Alert>
        <dl className="pairs card">
          <dt>{t.order.instrument}</dt>
          <dd>{`${done.symbol} ${done.name}`}</dd>
          <dt>{t.order.side}</dt>
          <dd>{done.side === 'sell' ? t.order.sell : t.order.buy}</dd>
          <dt>{t.order.quantity}</dt>
          <dd>{t.common.shares(done.quantity)}</dd>
          <dt>{t.history.price}</dt>
          <dd>{t.common.yen(done.price)}</dd>
          <dt>{t.history.amount}</dt>
          <dd>{t.common.yen(done.amount)}</dd>
        </dl>
        <button type="button" className="secondary" onClick={() => setDone(null)}>
          {t.order.another}
        </button>
      </>
    );
  }

  return (
    <>
      <PageTitle title={t.order.title}>{t.order.title}</PageTitle>
      {instruments.state === 'failed' ? <Alert kind="error" focus={false}>{t.order.unavailable}</Alert> : null}
      <form className="card" onSubmit={submit}>
        <div className="field">
          <label htmlFor="order-symbol">{t.order.instrument}</label>
          <select id="order-symbol" name="symbol" value={chosen} disabled={locked || list.length === 0} onChange={(e) => setSymbol(e.target.value)}>
            {list.map((instrument) => (
              <option key={instrument.symbol} value={instrument.symbol}>
                {`${instrument.symbol} ${instrument.name}（${t.common.yen(instrument.price)}）`}
              </option>
            ))}
          </select>
        </div>
        <fieldset disabled={locked}>
          <legend>{t.order.side}</legend>
          <div className="choice-row">
            <span className="choice">
              <input type="radio" id="order-buy" name="side" value="buy" checked={side === 'buy'} onChange={() => setSide('buy')} />
              <label htmlFor="order-buy">{t.order.buy}</label>
            </span>
            <span className="choice">
              <input type="radio" id="order-sell" name="side" value="sell" checked={side === 'sell'} onChange={() => setSide('sell')} />
              <label htmlFor="order-sell">{t.order.sell}</label>
            </span>
          </div>
        </fieldset>
        <Field label={t.order.quantity} name="quantity" inputMode="numeric" required disabled={locked} value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        <TradingPasswordField label={t.order.tradingPassword} disabled={locked} value={tradingPassword} onChange={setTradingPassword} />
        {error ? <Alert kind="error">{errorText(t, error)}</Alert> : null}
        <BusyButton type="submit" busy={busy} disabled={!chosen}>
          {t.order.submit}
        </BusyButton>
      </form>
    </>
  );
}
