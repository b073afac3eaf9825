import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// docs/architecture.md is the map of the code: its tables name, for each rule or capability, the files
// that hold it and the functions to read. A file moved or a function renamed without the map makes the
// map lie; this keeps it true.

/** Each table row naming source files (its next-to-last cell) and names to find in them (its last cell). */
function rowsOf(markdown: string): Array<{ line: string; files: string[]; names: string[] }> {
  const rows: Array<{ line: string; files: string[]; names: string[] }> = [];
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    if (cells.length < 3) continue;
    const files = [...cells[cells.length - 2]!.matchAll(/`(src\/[^`]+\.ts)`/g)].map((m) => m[1]!);
    const names = [...cells[cells.length - 1]!.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]!);
    if (files.length > 0 && names.length > 0) rows.push({ line: line.slice(0, 80), files, names });
  }
  return rows;
}

describe('docs/architecture.md', () => {
  const rows = rowsOf(readFileSync('docs/architecture.md', 'utf8'));

  it('has rows naming files and functions (the check below has something to check)', () => {
    expect(rows.length).toBeGreaterThan(30);
  });

  it('names files that exist and functions those files hold', () => {
    const wrong: string[] = [];
    for (const row of rows) {
      for (const file of row.files) if (!existsSync(file)) wrong.push(`${row.line}: no file ${file}`);
      const text = row.files.filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8')).join('\n');
      for (const name of row.names) if (!new RegExp(`\\b${name}\\b`).test(text)) wrong.push(`${row.line}: ${name} is not in ${row.files.join(', ')}`);
    }
    expect(wrong).toEqual([]);
  });

  it('finds a name the files do not hold (the check can fail)', () => {
    const [row] = rowsOf('| a rule | `src/domain/kernel/notices.ts` | `noSuchFunctionAnywhere` |');
    const text = readFileSync(row!.files[0]!, 'utf8');
    expect(new RegExp(`\\b${row!.names[0]}\\b`).test(text)).toBe(false);
  });
});
