import { createHash } from 'node:crypto';
import type { Deps } from './context.js';
import type { CustomerRecord } from './types.js';
import type { TransactionOptions } from './store.js';
import type { Failure } from './errors.js';
import { newQueuedNotice } from './notice-outbox.js';

// Every notice of security.md, rendered in Japanese and English in one e-mail: the customer reads
// it whichever language they use, and it is how they notice foul play.

export type NoticeKind =
  | 'login_locked'
  | 'trading_locked'
  | 'factor_locked'
  | 'password_changed'
  | 'trading_password_changed'
  | 'mfa_changed'
  | 'phone_changed'
  | 'profile_changed'
  | 'mfa_reset'
  | 'new_device_login'
  | 'order_executed'
  | 'withdrawal_requested'
  | 'withdrawal_cancelled'
  | 'recovery_code_used'
  | 'recovery_codes_generated'
  | 'totp_enrolled'
  | 'passkey_added'
  | 'passkey_removed'
  | 'risk_held'
  | 'risk_hold_released'
  | 'risk_hold_rejected'
  | 'risk_sign_in_refused'
  | 'account_frozen'
  | 'account_unfrozen'
  | 'not_me_reported'
  | 'password_recovered'
  | 'login_id_reminder'
  | 'sign_in_notice'
  | 'failed_sign_ins'
  | 'federated_withdrawal_approved'
  | 'desk_request'
  | 'passkey_deadline';

type Params = Record<string, string | number>;
type Render = (p: Params) => { ja: [string, string]; en: [string, string] };

const NOTICES: Record<NoticeKind, Render> = {
  login_locked: (p) => ({
    ja: ['ログインを一時的に停止しました', `ログインパスワードの誤りが続いたため、${p.until} までログインを停止しています。${p.address ? `\n最後の試行: IPアドレス ${p.address}、場所（推定） ${p.place}\n` : ''}お心当たりがない場合はパスワードを変更し、当社までご連絡ください。`],
    en: ['Sign-in temporarily locked', `After repeated wrong passwords, sign-in is locked until ${p.until}.${p.address ? `\nLast attempt: address ${p.address}, approximate place ${p.place}\n` : ''} If this was not you, change your password and contact us.`],
  }),
  trading_locked: (p) => ({
    ja: ['取引パスワードをロックしました', `取引パスワードの誤りが続いたため、${p.until} まで取引を停止しています。`],
    en: ['Trading password locked', `After repeated wrong trading passwords, trading is locked until ${p.until}.`],
  }),
  factor_locked: () => ({
    ja: ['二要素認証を停止しました', '認証コードの誤りが続いたため、二要素認証を停止しました。コールセンターまでご連絡ください。'],
    en: ['Two-factor authentication locked', 'After repeated wrong codes, your second factor is locked. Please call us to restore it.'],
  }),
  password_changed: () => ({
    ja: ['ログインパスワードを変更しました', 'ログインパスワードが変更されました。他の端末のログインは終了しました。お心当たりがない場合は至急ご連絡ください。'],
    en: ['Login password changed', 'Your login password was changed and other sessions were ended. If this was not you, contact us at once.'],
  }),
  trading_password_changed: () => ({
    ja: ['取引パスワードを変更しました', '取引パスワードが変更されました。お心当たりがない場合は至急ご連絡ください。'],
    en: ['Trading password changed', 'Your trading password was changed. If this was not you, contact us at once.'],
  }),
  mfa_changed: (p) => ({
    ja: ['二要素認証の設定を変更しました', `二要素認証の設定が変更されました（方式: ${p.method}、範囲: ${p.scope}）。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Two-factor settings changed', `Your two-factor settings were changed (method: ${p.method}, scope: ${p.scope}). If this was not you, contact us at once.`],
  }),
  phone_changed: (p) => ({
    ja: ['電話認証番号を変更しました', `電話認証番号が末尾 ${p.last4} の番号に変更されました。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Authentication phone number changed', `Your authentication phone number was changed to one ending in ${p.last4}. If this was not you, contact us at once.`],
  }),
  profile_changed: (p) => ({
    ja: ['登録情報を変更しました', `登録情報（${p.fields}）が変更されました。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Registration details changed', `Your registration details (${p.fields}) were changed. If this was not you, contact us at once.`],
  }),
  mfa_reset: () => ({
    ja: ['二要素認証をリセットしました', 'コールセンターでの本人確認に基づき、二要素認証をリセットしました。ログイン後に再設定してください。'],
    en: ['Two-factor authentication reset', 'After identity checks at our call centre, your two-factor authentication was reset. Set it up again after signing in.'],
  }),
  new_device_login: (p) => ({
    ja: ['ログインのお知らせ', `新しい端末からログインがありました。\n日時: ${p.at}\nIPアドレス: ${p.address}${p.place ? `\n場所（推定）: ${p.place}` : ''}\nブラウザ: ${p.userAgent}\nお心当たりがない場合は至急パスワードを変更してください。`],
    en: ['New sign-in', `A sign-in from a new device.\nTime: ${p.at}\nAddress: ${p.address}${p.place ? `\nApproximate place: ${p.place}` : ''}\nBrowser: ${p.userAgent}\nIf this was not you, change your password at once.`],
  }),
  sign_in_notice: (p) => ({
    ja: ['ログインのお知らせ', `ログインがありました。\n日時: ${p.at}\nIPアドレス: ${p.address}\n場所（推定）: ${p.place}\nブラウザ: ${p.userAgent}\nお心当たりがない場合は至急パスワードを変更してください。`],
    en: ['Sign-in', `A sign-in to your account.\nTime: ${p.at}\nAddress: ${p.address}\nApproximate place: ${p.place}\nBrowser: ${p.userAgent}\nIf this was not you, change your password at once.`],
  }),
  failed_sign_ins: (p) => ({
    ja: ['ログインの失敗が続いています', `パスワードの誤りによるログイン失敗が${p.count}回続きました。\n最後の試行: ${p.at}\nIPアドレス: ${p.address}\n場所（推定）: ${p.place}\nお心当たりがない場合はパスワードを変更してください。`],
    en: ['Repeated failed sign-ins', `${p.count} sign-ins failed in a row with a wrong password.\nLast attempt: ${p.at}\nAddress: ${p.address}\nApproximate place: ${p.place}\nIf this was not you, change your password.`],
  }),
  order_executed: (p) => ({
    ja: ['約定通知', `${p.side} ${p.symbol} ${p.quantity}株 @ ${p.price}円 が約定しました。`],
    en: ['Order executed', `${p.side} ${p.symbol} ${p.quantity} shares @ ${p.price} yen executed.`],
  }),
  withdrawal_requested: (p) => ({
    ja: ['出金指示を受け付けました', `出金 ${p.amount}円（口座末尾 ${p.last4}）を受け付けました。状態: ${p.status}`],
    en: ['Withdrawal requested', `A withdrawal of ${p.amount} yen to the account ending ${p.last4} was requested. Status: ${p.status}`],
  }),
  withdrawal_cancelled: (p) => ({
    ja: ['出金を取り消しました', `保留中の出金 ${p.amount}円（口座末尾 ${p.last4}）を取り消し、預り金に戻しました。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Withdrawal cancelled', `The held withdrawal of ${p.amount} yen to the account ending ${p.last4} was cancelled and the cash returned to your account. If this was not you, contact us at once.`],
  }),
  recovery_code_used: (p) => {
    // Three or fewer left: the customer is told to make a new set before they run out.
    const low = Number(p.remaining) <= 3;
    return {
      ja: ['リカバリーコードが使用されました', `リカバリーコードが使用されました。残り ${p.remaining} 個です。${low ? '残りが少なくなりました。設定画面で新しいリカバリーコードを発行してください。' : ''}お心当たりがない場合は至急ご連絡ください。`],
      en: ['Recovery code used', `A recovery code was used. ${p.remaining} remain.${low ? ' You are running low: generate a new set in your settings.' : ''} If this was not you, contact us at once.`],
    };
  },
  recovery_codes_generated: (p) => ({
    ja: ['リカバリーコードを発行しました', `新しいリカバリーコード（${p.count}個）が発行され、以前のコードは使えなくなりました。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Recovery codes generated', `A new set of ${p.count} recovery codes was generated; the previous codes no longer work. If this was not you, contact us at once.`],
  }),
  totp_enrolled: () => ({
    ja: ['認証アプリを登録しました', '認証アプリ（ワンタイムパスワード）が登録されました。お心当たりがない場合は至急ご連絡ください。'],
    en: ['Authenticator app registered', 'An authenticator app was registered for your account. If this was not you, contact us at once.'],
  }),
  passkey_added: (p) => ({
    ja: ['パスキーを登録しました', `パスキー「${p.name}」が登録されました。登録から24時間は出金を保留します。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Passkey added', `The passkey "${p.name}" was added. Withdrawals are held for 24 hours after it. If this was not you, contact us at once.`],
  }),
  account_frozen: (p) => ({
    ja: ['お取引を制限しました', `次の制限をかけました: ${p.levelsJa}。${p.how}。解除にはパスキー、またはお持ちでない場合はコールセンターでの本人確認が必要です。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Account frozen', `Frozen: ${p.levelsEn}. ${p.howEn}. Lifting it takes your passkey or, without one, an identity check at our call centre. If this was not you, contact us at once.`],
  }),
  account_unfrozen: (p) => ({
    ja: ['お取引の制限を解除しました', `次の制限を解除しました: ${p.levelsJa}（${p.how}）。解除から24時間は出金を保留します。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Freeze lifted', `Lifted: ${p.levelsEn} (${p.howEn}). Withdrawals are held for 24 hours after it. If this was not you, contact us at once.`],
  }),
  not_me_reported: () => ({
    ja: ['「心当たりがない」とのご連絡を受け付けました', '出金を停止し、すべての端末をログアウトさせ、登録済みの端末を未確認に戻しました。担当者からご連絡します。'],
    en: ['Report received: "this wasn\'t me"', 'Withdrawals are frozen, every session was ended and your devices must be verified again. Our staff will contact you.'],
  }),
  password_recovered: () => ({
    ja: ['ログインパスワードを再設定しました', 'パスワード再設定の手続きにより、ログインパスワードが再設定されました。すべての端末はログアウトされ、24時間は出金を保留します。お心当たりがない場合は至急ご連絡ください。'],
    en: ['Login password reset', 'Your login password was reset through password recovery. Every session was ended, and withdrawals are held for 24 hours. If this was not you, contact us at once.'],
  }),
  login_id_reminder: (p) => ({
    ja: ['ログインIDのお知らせ', `このメールアドレスで登録されているログインID: ${p.loginIds}\nお心当たりがない場合は、このメールを破棄してください。`],
    en: ['Your login ID', `The login ID registered with this address: ${p.loginIds}\nIf you did not ask for it, you may ignore this e-mail.`],
  }),
  federated_withdrawal_approved: (p) => ({
    ja: ['連携サービスへの出金承認', `${p.name} に、出金 ${p.amount}円（口座末尾 ${p.last4}）を承認しました。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Withdrawal approved for a partner service', `You approved a withdrawal of ${p.amount} yen to the account ending ${p.last4} for ${p.name}. If this was not you, contact us at once.`],
  }),
  passkey_removed: (p) => ({
    ja: ['パスキーを削除しました', `パスキー「${p.name}」が削除されました。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Passkey removed', `The passkey "${p.name}" was removed. If this was not you, contact us at once.`],
  }),
  // The risk engine (src/domain/risk): the plain reason only, never the rule or the signals.
  risk_held: (p) => ({
    ja: ['ご本人確認のため、お取引を保留しました', `ご本人確認のため、${p.what}を保留しています。ご本人のお取引であれば、ログイン後にパスキーで確認するか、当社までご連絡ください。お心当たりがない場合は至急パスワードを変更し、当社までご連絡ください。`],
    en: ['Held for your confirmation', `To confirm it is you, we are holding ${p.whatEn}. If it was you, confirm it with your passkey after signing in, or contact us. If it was not you, change your password and contact us at once.`],
  }),
  risk_hold_released: (p) => ({
    ja: ['保留していたお取引を実行しました', `ご本人確認が取れたため、保留していた${p.what}を実行しました。`],
    en: ['Held request carried out', `After confirming it was you, the held ${p.whatEn} was carried out.`],
  }),
  risk_hold_rejected: (p) => ({
    ja: ['保留していたお取引を取り消しました', `保留していた${p.what}は実行せずに取り消しました。ご不明な点は当社までご連絡ください。`],
    en: ['Held request cancelled', `The held ${p.whatEn} was cancelled and not carried out. Please contact us with any questions.`],
  }),
  risk_sign_in_refused: (p) => ({
    ja: ['ログインをお断りしました', `ご本人確認のため、${p.at} のログイン（IPアドレス: ${p.address}）をお断りしました。お心当たりがない場合は至急パスワードを変更してください。`],
    en: ['Sign-in refused', `To protect your account, a sign-in at ${p.at} (address: ${p.address}) was refused. If this was not you, change your password at once.`],
  }),
  desk_request: (p) => ({
    ja: ['お手続きの申請を受け付けました', `当社の窓口で「${p.action_ja}」の申請が登録されました。別の担当者の承認後に実行されます。お心当たりがない場合は至急ご連絡ください。`],
    en: ['Request filed by our desk', `Our desk filed a request to ${p.action_en} on your account. It takes effect once a second member of staff approves it. If you did not ask for this, contact us at once.`],
  }),
  passkey_deadline: (p) => ({
    ja: ['パスキーのご登録のお願い', `${p.date} 以降、ログインと出金にはパスキーが必要になります。それまでに設定画面からパスキーを登録してください。`],
    en: ['Please register a passkey', `From ${p.date}, signing in and withdrawals will require a passkey. Please register one in your settings before then.`],
  }),
};

export function renderNotice(kind: NoticeKind, firmName: string, params: Params = {}, freezeCode?: string): { subject: string; body: string } {
  const { ja, en } = NOTICES[kind](params);
  const freeze = freezeCode
    ? `\n\n緊急停止コード: ${freezeCode}\nお心当たりのない操作があれば、ログイン画面の「取引を緊急停止」にログインIDとこのコードを入力してください（パスワード不要）。ログインと出金を直ちに停止します。コードは1回限り、30日間有効です。\nFreeze code: ${freezeCode}\nIf you see activity that was not yours, enter your login ID and this code under "Freeze my account" on the sign-in page (no password needed): sign-in and withdrawals stop at once. The code works once, for 30 days.`
    : '';
  return {
    subject: `【${firmName}】${ja[0]} / ${en[0]}`,
    body: `${ja[1]}\n\n---\n${en[1]}${freeze}\n\n${firmName}\nこのメールにリンクはありません。当社がパスワードや認証コードを尋ねることはありません。\nThis e-mail contains no links. We never ask for your password or codes.`,
  };
}

/** A freeze code lives this long (issue 16.2). */
export const FREEZE_CODE_TTL_MS = 30 * 24 * 3600_000;
const FREEZE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** What is stored of a freeze code: its hash, from the code as typed (case, spaces and hyphens aside). */
export function freezeCodeHash(code: string): string {
  return createHash('sha256').update(`freeze-code:${code.toUpperCase().replace(/[\s-]/g, '')}`).digest('hex');
}

/** A fresh code, e.g. "K7QXM-4PRTA": 50 random bits, shown in one e-mail. */
function newFreezeCode(random: Pick<Deps, 'random'>['random']): string {
  const chars = Array.from({ length: 10 }, () => FREEZE_ALPHABET[random.int(FREEZE_ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/**
 * The queue row of a notice: rendered now, delivered by the outbox's sender (notice-outbox.ts). An
 * e-mail to a customer carries a one-time freeze code (stored as a hash with the row): a customer whose
 * password and phone were both stolen can still stop the thief from the sign-in page.
 */
export function noticeFor(deps: Pick<Deps, 'clock' | 'random' | 'firmName'>, to: string | CustomerRecord, kind: NoticeKind, params: Params = {}) {
  const address = typeof to === 'string' ? to : to.email;
  const code = typeof to === 'string' ? undefined : newFreezeCode(deps.random);
  const { subject, body } = renderNotice(kind, deps.firmName, params, code);
  const row = newQueuedNotice(deps.clock, deps.random, { channel: 'email', recipient: address, subject, body, kind });
  if (code === undefined || typeof to === 'string') return row;
  return { ...row, freezeCode: { customerId: to.id, codeHash: freezeCodeHash(code), expiresAt: row.createdAt + FREEZE_CODE_TTL_MS } };
}

/** Queues a notice; throws when it cannot (inside a transaction: the change is rolled back with it). */
export async function queueNotice(deps: Pick<Deps, 'store' | 'clock' | 'random' | 'firmName'>, to: string | CustomerRecord, kind: NoticeKind, params: Params = {}): Promise<void> {
  await deps.store.notices.enqueue(noticeFor(deps, to, kind, params));
}

/**
 * One transaction for a change, its audit entry and its notices: `work` gets deps whose store is
 * bound to it (use only those inside). Nothing slow belongs inside (no hashing, no sending).
 */
export function withinTransaction<D extends Pick<Deps, 'store'>, T>(deps: D, work: (deps: D) => Promise<T>, options?: TransactionOptions): Promise<T> {
  return deps.store.transaction((store) => work({ ...deps, store }), options);
}

/** Thrown inside `refusableTransaction`'s work: the transaction rolls back and the refusal is the answer. */
export class Refusal extends Error {
  constructor(readonly failure: Failure) {
    super(failure.code);
  }
}

/** `withinTransaction` whose work may refuse after it has written (`throw new Refusal(fail(…))`): nothing commits. */
export async function refusableTransaction<D extends Pick<Deps, 'store'>, T>(deps: D, work: (deps: D) => Promise<T>): Promise<T | Failure> {
  try {
    return await withinTransaction(deps, work);
  } catch (error) {
    if (error instanceof Refusal) return error.failure;
    throw error;
  }
}

export function formatJst(ms: number): string {
  return new Date(ms + 9 * 3600_000).toISOString().replace('T', ' ').slice(0, 16) + ' JST';
}
