// The API reference as plain HTML rendered on the server: no script and no inline style, so it
// works under the portal's CSP (script-src 'self', style-src 'self') without an exception for it.

interface OpenApiLike {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, { tags?: string[]; parameters?: unknown[]; requestBody?: { content?: Record<string, { schema?: unknown }> }; security?: unknown[] }>>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function operationHtml(method: string, path: string, op: NonNullable<OpenApiLike['paths']>[string][string]): string {
  const body = op.requestBody?.content?.['application/json']?.schema;
  const params = (op.parameters ?? []) as Array<{ name: string; in: string; required?: boolean }>;
  return [
    `<section id="${escapeHtml(`${method}-${path}`)}">`,
    `<h3><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code>${JSON.stringify(op.security ?? []).includes('adminToken') ? ' <span class="auth">admin token</span>' : ''}</h3>`,
    params.length ? `<p>Parameters: ${params.map((p) => `<code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ', required' : ''})`).join(', ')}</p>` : '',
    body ? `<details><summary>Request body</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>` : '',
    '</section>',
  ].join('');
}

export function renderDocsPage(document: unknown): string {
  const doc = document as OpenApiLike;
  const byTag = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(operations)) {
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
    }
  }
  const title = escapeHtml(`${doc.info?.title ?? 'API'} ${doc.info?.version ?? ''}`.trim());
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${title} API</title><link rel="stylesheet" href="/docs/docs.css"></head><body>`,
    `<h1>${title} API</h1><p>${escapeHtml(doc.info?.description ?? '')} Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>`,
    ...[...byTag].map(([tag, sections]) => `<h2>${escapeHtml(tag)}</h2>${sections.join('')}`),
    '</body></html>',
  ].join('\n');
}

export const DOCS_CSS = `body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2rem;text-transform:capitalize}
h3{font-size:1rem;margin:1rem 0 .25rem}
.method{display:inline-block;min-width:4rem;font-weight:bold;color:#0b5}
.auth{font-size:.8rem;background:#fe9;padding:0 .3rem;border-radius:3px}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:.8rem}`;
