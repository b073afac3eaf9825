import UAParser from 'ua-parser-js';

// What a notice may say about the browser: a browser and an OS name from a fixed list, and a major
// version in digits. Never the User-Agent itself: it is the sender's text, and pasted into a genuine
// e-mail it would let an attacker write a line of ours ("call this number", a link).

const BROWSERS = new Map<string, string>([
  ['Chrome', 'Chrome'],
  ['Mobile Chrome', 'Chrome'],
  ['Chrome Headless', 'Chrome'],
  ['Chrome WebView', 'Chrome'],
  ['Chromium', 'Chromium'],
  ['Edge', 'Edge'],
  ['Firefox', 'Firefox'],
  ['Mobile Firefox', 'Firefox'],
  ['Safari', 'Safari'],
  ['Mobile Safari', 'Safari'],
  ['Opera', 'Opera'],
  ['Opera Mobi', 'Opera'],
  ['Samsung Browser', 'Samsung Internet'],
  ['Vivaldi', 'Vivaldi'],
  ['Brave', 'Brave'],
  ['Yandex', 'Yandex'],
  ['IE', 'Internet Explorer'],
  ['IEMobile', 'Internet Explorer'],
  ['Line', 'LINE'],
  ['Facebook', 'Facebook'],
  ['Instagram', 'Instagram'],
  ['WebKit', 'WebKit'],
]);

const SYSTEMS = new Map<string, string>([
  ['Windows', 'Windows'],
  ['Mac OS', 'macOS'],
  ['macOS', 'macOS'],
  ['iOS', 'iOS'],
  ['Android', 'Android'],
  ['Linux', 'Linux'],
  ['Ubuntu', 'Ubuntu'],
  ['Debian', 'Debian'],
  ['Fedora', 'Fedora'],
  ['Chromium OS', 'ChromeOS'],
  ['Chrome OS', 'ChromeOS'],
  ['HarmonyOS', 'HarmonyOS'],
]);

/** Windows reports names ("10", "XP", "Vista"), the others digits; either from a fixed set. */
function version(raw: string | undefined): string {
  if (!raw) return '';
  const major = raw.match(/^\d{1,4}/)?.[0];
  if (major) return ` ${major}`;
  return ['XP', 'Vista', 'RT'].includes(raw) ? ` ${raw}` : '';
}

type Parsed = { browser: string | null; os: string | null };

/**
 * A customer's browser sends the same User-Agent at every sign-in and a firm's customers use a few
 * hundred different ones: the last answers are kept (ua-parser's regular expressions were 4 % of a
 * sign-in's CPU). Bounded: when full it starts again, so a flood of made-up strings costs no memory.
 */
const parsedLately = new Map<string, Parsed>();
const KEPT = 512;

/** The browser and the OS, e.g. "Chrome 120" and "Windows 10", each null when outside the lists. */
export function parseUserAgent(userAgent: string): Parsed {
  const text = userAgent.slice(0, 512);
  const kept = parsedLately.get(text);
  if (kept) return kept;
  const parsed = Object.freeze(parse(text));
  if (parsedLately.size >= KEPT) parsedLately.clear();
  parsedLately.set(text, parsed);
  return parsed;
}

function parse(text: string): Parsed {
  const parsed = new UAParser(text).getResult();
  const browserName = parsed.browser.name && BROWSERS.get(parsed.browser.name);
  const osName = parsed.os.name && SYSTEMS.get(parsed.os.name);
  return {
    browser: browserName ? `${browserName}${version(parsed.browser.version)}` : null,
    os: osName ? `${osName}${version(parsed.os.version)}` : null,
  };
}

/** e.g. "Chrome 120 / Windows 10"; a browser or OS outside the list is "不明 (unknown)". */
export function describeUserAgent(userAgent: string): string {
  const { browser, os } = parseUserAgent(userAgent);
  return `${browser ?? '不明 (unknown)'} / ${os ?? '不明 (unknown)'}`;
}
