import { useLanguage } from './language-store';

// The texts of the risk engine's holds (保留中のお取引), ja and en. The reason itself comes from the server
// (the plain reason, in both languages): the rule and signals behind it are for the firm's operators only.

const ja = {
  nav: '保留中のお取引',
  title: '保留中のお取引',
  intro: 'ご本人確認のため、次のお取引をお預かりしています。登録済みのパスキーで確認すると、その時点の条件で実行します。お心当たりのないお取引は実行せず、すぐにコールセンターへご連絡ください。',
  none: '保留中のお取引はありません。',
  held: 'ご本人確認のため、このお取引をお預かりしました。まだ実行していません。',
  toHolds: '保留中のお取引を確認する',
  banner: (count: number) => `ご本人確認のためお預かりしているお取引が${count}件あります。`,
  heldAt: '受付日時',
  what: '内容',
  status: '状態',
  statuses: { held: '確認待ち', released: '実行済み', rejected: '取り消し' } as Record<string, string>,
  confirm: 'パスキーで確認して実行する',
  confirmNote: 'パスキーは登録から24時間以上たったものに限ります。お持ちでない場合は、当社からのご連絡をお待ちください。',
  ran: 'ご本人確認ができました。お取引を実行しました。',
  refused: 'ご本人確認はできましたが、お取引は実行できませんでした。',
};

const en: typeof ja = {
  nav: 'Held requests',
  title: 'Held requests',
  intro: 'To make sure it is you, we are holding the requests below. Confirm one with a registered passkey and it runs then, on the terms of that moment. If you did not make a request, do not confirm it: call us at once.',
  none: 'Nothing is held.',
  held: 'To make sure it is you, we are holding this request. Nothing has been carried out yet.',
  toHolds: 'See held requests',
  banner: (count: number) => `We are holding ${count === 1 ? 'a request' : `${count} requests`} to make sure it is you.`,
  heldAt: 'Received',
  what: 'Request',
  status: 'Status',
  statuses: { held: 'Waiting for you', released: 'Carried out', rejected: 'Cancelled' },
  confirm: 'Confirm with a passkey and carry it out',
  confirmNote: 'Only a passkey registered more than 24 hours ago can confirm. If you have none, please wait for us to contact you.',
  ran: 'Confirmed: the request has been carried out.',
  refused: 'Confirmed, but the request could not be carried out.',
};

export function useHoldTexts(): typeof ja {
  return useLanguage() === 'en' ? en : ja;
}
