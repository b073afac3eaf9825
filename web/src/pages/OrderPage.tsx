import { useState, type FormEvent } from 'react';
import { useDraft } from '../drafts';
import { api } from '../api/client';
import { fetchInstruments } from '../api/endpoints';
import type { Order } from '../api/types';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { TradingPasswordField } from '../components/TradingPasswordField';
import { PageTitle } from '../components/PageTitle';
import { StepUpSection } from '../components/StepUpSection';
import { useLoad } from '../hooks/useLoad';
import { useStepUp } from '../hooks/useStepUp';
import { newIdempotencyKey } from '../format';
import { errorText } from '../i18n/error-text';
import { useTexts } from '../i18n/texts';

type Side = 'buy' | 'sell';
const postOrder = (order: { symbol: string; side: Side; quantity: number; tradingPassword: string; idempotencyKey: string }, challengeId?: string) =>
  api.post<Order>('/api/v1/orders', { ...order, ...(challengeId ? { challengeId } : {}) });

/** 注文: 買付 / 売却 with the trading password. */
export function OrderPage() {
  const t = useTexts();
  const instruments = useLoad(fetchInstruments);
  const [symbol, setSymbol] = useState('');
  const [side, setSide] = useState<Side>('buy');
  const [quantity, setQuantity] = useDraft('quantity');
  const [tradingPassword, setTradingPassword] = useState('');
  const [done, setDone] = useState<Order | null>(null);
  const stepUp = useStepUp<Order>((order) => {
    setDone(order);
    setTradingPassword('');
  });
  const locked = stepUp.round !== null || stepUp.busy;
  const list = instruments.state === 'ready' ? instruments.data : [];
  const chosen = symbol || list[0]?.symbol || '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const order = { symbol: chosen, side, quantity: Number(quantity), tradingPassword, idempotencyKey: newIdempotencyKey() };
    void stepUp.start((challengeId) => postOrder(order, challengeId));
  };

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
        {stepUp.error ? <Alert kind="error">{errorText(t, stepUp.error)}</Alert> : null}
        <button type="submit" className="primary" disabled={locked || !chosen}>
          {t.order.submit}
        </button>
      </form>
      <StepUpSection round={stepUp.round} execute={stepUp.execute} restart={stepUp.restart} />
    </>
  );
}
