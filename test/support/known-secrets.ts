// Every secret the tests handle (passwords, codes, session tokens) is remembered here, and every test
// server checks its own log lines against them when it closes: the whole suite, not one journey,
// proves that no secret reaches a log.

const secrets = new Set<string>();

export function rememberSecret(secret: string | undefined): void {
  if (secret && secret.length >= 6) secrets.add(secret);
}

/** The secrets found in these log lines; a 6-digit code counts only as a number of its own. */
export function leakedSecrets(lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  const text = lines.join('\n');
  const leaked: string[] = [];
  for (const secret of secrets) {
    const found = /^\d{6}$/.test(secret) ? new RegExp(`(?<![0-9])${secret}(?![0-9])`).test(text) : text.includes(secret);
    if (found) leaked.push(secret);
  }
  return leaked;
}
