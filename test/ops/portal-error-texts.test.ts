import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// One home for the portal's words (issue 12.6): every text a customer reads comes from web/src/i18n/
// (texts-ja, texts-en, texts-factors), and every failure becomes words in one function,
// web/src/i18n/error-text.ts. Pages and components hold no Japanese text, no text in their markup, and
// never show an exception's own message or pick an error text themselves.

const WEB = fileURLToPath(new URL('../../web/src', import.meta.url));
const HOME = join(WEB, 'i18n');

/** Japanese words (two letters or more: a lone 円 or bracket in a number format is not a text). */
const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]{2,}/u;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === HOME ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** What a file shows in words by itself: its texts, an exception's message, an error text picked outside error-text.ts. */
function insideMarkup(node: ts.Node): boolean {
  for (let up: ts.Node | undefined = node.parent; up; up = up.parent) if (ts.isJsxExpression(up)) return true;
  return false;
}

function ownWords(file: string, source: string): string[] {
  const found: string[] = [];
  const where = (node: ts.Node) => `${file}:${ts.getLineAndCharacterOfPosition(node.getSourceFile(), node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) && JAPANESE.test(node.text)) found.push(`${where(node)} text ${JSON.stringify(node.text)}`);
    if (ts.isJsxText(node) && /\p{L}{2,}/u.test(node.text)) found.push(`${where(node)} markup text ${JSON.stringify(node.text.trim())}`);
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'message' && insideMarkup(node)) found.push(`${where(node)} shows an exception's message`);
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'errors' && ts.isPropertyAccessExpression(node.parent) && node.getText().startsWith('t.')) found.push(`${where(node)} picks an error text (${node.parent.getText()})`);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS));
  return found;
}

describe('the portal has one home for its words', () => {
  it('the check finds a page that writes its own error text, shows an exception message, or picks an error text itself', () => {
    const page = `export function P({ t, error }: any) {
      const a = <p>{'通信に失敗しました'}</p>;
      const b = <p>Something went wrong</p>;
      const c = <p>{error.message}</p>;
      return <p>{t.errors.codeFormat}</p>;
    }`;
    expect(ownWords('P.tsx', page).map((w) => w.replace(/^P\.tsx:\d+ /, '').split(' ')[0])).toEqual(['text', 'markup', 'shows', 'picks']);
    expect(ownWords('Q.tsx', "export const Q = ({ t }: any) => <p className=\"help\">{t.order.done}{'（'}{`${1}円`}</p>;")).toEqual([]);
  });

  it('no page or component outside web/src/i18n has words of its own', () => {
    const found = sourceFiles(WEB).flatMap((file) => ownWords(relative(WEB, file), readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });
});
