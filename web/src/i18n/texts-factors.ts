import { useLanguage } from './language-store';

// The texts of the second-factor screens (passkeys, authenticator app, recovery codes), ja and en.

const ja = {
  nav: { passkeys: 'パスキー', totp: '認証アプリ', recoveryCodes: 'リカバリーコード' },
  common: { tradingPassword: '取引パスワード', next: '次へ', cancel: 'やめる', remove: '削除', neverUsed: '未使用' },
  login: { passkey: 'パスキーでログイン', passkeyNote: '指紋・顔認証・PINで本人確認します。パスワードの入力は不要です。', or: 'または' },
  passkeys: {
    title: 'パスキー',
    intro: 'パスキーはフィッシングサイトでは使えない認証方式です。この端末の指紋・顔認証・PINでログインと出金を確認できます。',
    none: 'パスキーは登録されていません。',
    name: 'パスキーの名前（例: iPhone）',
    add: 'パスキーを登録',
    added: (name: string) => `パスキー「${name}」を登録しました。登録から24時間は出金を保留します。`,
    removed: 'パスキーを削除しました。',
    created: '登録日',
    lastUsed: '最終利用',
    cancelled: 'パスキーの作成が取り消されました。',
  },
  totp: {
    title: '認証アプリ',
    intro: 'Google Authenticator などの認証アプリに表示される6桁のコードで確認します。',
    enrolled: '認証アプリは登録済みです。登録し直すと、確認後に以前のアプリは使えなくなります。',
    start: '認証アプリを登録',
    scan: 'アプリでQRコードを読み取るか、次のキーを入力してください。',
    qrAlt: '認証アプリ登録用のQRコード（読み取れない場合は下のセットアップキーを入力してください）',
    secretLabel: 'セットアップキー',
    code: 'アプリに表示された6桁のコード',
    confirm: '確認して登録',
    done: '認証アプリを登録しました。',
  },
  recovery: {
    title: 'リカバリーコード',
    intro: '電話や認証アプリを失ったときに、1回だけ使えるコードです。',
    state: (remaining: number, total: number) => (total === 0 ? '発行されていません。' : `残り ${remaining} / ${total} 個`),
    low: '残りが少なくなりました。新しいリカバリーコードを発行してください。',
    generate: '新しいリカバリーコードを発行',
    warning: '新しいコードを発行すると、以前のコードはすべて使えなくなります。',
    shown: 'このコードは一度だけ表示されます。印刷するか安全な場所に保管してください。',
  },
  challenge: {
    passkey: 'パスキーで認証',
    totp: '認証アプリのコード',
    recovery: 'リカバリーコード',
    verify: '認証する',
    left: (n: number) => `リカバリーコードの残りは ${n} 個です。`,
    phishingResistant: 'この操作はパスキーでのみ認証できます。',
  },
};

const en: typeof ja = {
  nav: { passkeys: 'Passkeys', totp: 'Authenticator app', recoveryCodes: 'Recovery codes' },
  common: { tradingPassword: 'Trading password', next: 'Next', cancel: 'Cancel', remove: 'Remove', neverUsed: 'never' },
  login: { passkey: 'Sign in with a passkey', passkeyNote: 'Your fingerprint, face or PIN confirms it is you. No password needed.', or: 'or' },
  passkeys: {
    title: 'Passkeys',
    intro: 'A passkey cannot be used on a phishing site. Your fingerprint, face or PIN on this device confirms sign-ins and withdrawals.',
    none: 'No passkey is registered.',
    name: 'Name of the passkey (e.g. iPhone)',
    add: 'Register a passkey',
    added: (name: string) => `The passkey "${name}" was registered. Withdrawals are held for 24 hours after it.`,
    removed: 'The passkey was removed.',
    created: 'Added',
    lastUsed: 'Last used',
    cancelled: 'Creating the passkey was cancelled.',
  },
  totp: {
    title: 'Authenticator app',
    intro: 'Confirm with the 6-digit code shown by an authenticator app such as Google Authenticator.',
    enrolled: 'An authenticator app is registered. Registering again replaces it once confirmed.',
    start: 'Register an authenticator app',
    scan: 'Scan the QR code with the app, or type in this key.',
    qrAlt: 'QR code for your authenticator app (if you cannot scan it, type the setup key below)',
    secretLabel: 'Setup key',
    code: '6-digit code shown by the app',
    confirm: 'Confirm and register',
    done: 'The authenticator app was registered.',
  },
  recovery: {
    title: 'Recovery codes',
    intro: 'Single-use codes for when you lose your phone or your authenticator app.',
    state: (remaining: number, total: number) => (total === 0 ? 'None generated.' : `${remaining} of ${total} left`),
    low: 'You are running low: generate a new set.',
    generate: 'Generate new recovery codes',
    warning: 'A new set makes every previous code stop working.',
    shown: 'These codes are shown only once. Print them or keep them somewhere safe.',
  },
  challenge: {
    passkey: 'Verify with a passkey',
    totp: 'Authenticator app code',
    recovery: 'Recovery code',
    verify: 'Verify',
    left: (n: number) => `${n} recovery codes left.`,
    phishingResistant: 'This operation can be verified with a passkey only.',
  },
};

export function useFactorTexts(): typeof ja {
  return useLanguage() === 'en' ? en : ja;
}
