// Every secret the tests handle (passwords, codes, session tokens) is remembered here, and every test
// server checks its own log lines against them when it closes: the whole suite, not one journey,
// proves that no secret reaches a log.

const secrets = new Set<string>();

export function rememberSecret(secret: string | undefined): void {
  if (secret && secret.length >= 6) secrets.add(secret);
}

/**
 * Whether this secret is in this text. A 6-digit code counts only as a number of its own: not inside a
 * longer number, a decimal fraction (a response time) or a hexadecimal identifier (a request ID is a
 * UUID, and one UUID in a few million holds any given six digits between two letters: with every code a
 * suite handles checked against every request's log line, that failed a suite run now and then).
 */
export function secretIn(secret: string, text: string): boolean {
  return /^\d{6}$/.test(secret) ? new RegExp(`(?<![0-9A-Za-z.])${secret}(?![0-9A-Za-z])`).test(text) : text.includes(secret);
}

/** The secrets found in these log lines, each with the line it was found in (a failing test says where). */
export function leakedSecrets(lines: readonly string[]): Array<{ secret: string; line: string }> {
  const leaked: Array<{ secret: string; line: string }> = [];
  for (const secret of secrets) {
    const line = lines.find((l) => secretIn(secret, l));
    if (line !== undefined) leaked.push({ secret, line: line.trim() });
  }
  return leaked;
}
