import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

// A Twilio-compatible provider on loopback: records every request and answers as told
// (`ok`, an API error, a 500, or never — for the time-out).

export type ProviderMode = 'ok' | 'error' | 'server_error' | 'hang';

export interface ProviderRequest {
  path: string;
  authorization: string | undefined;
  form: URLSearchParams;
}

export interface FakeProvider {
  url: string;
  mode: ProviderMode;
  requests: ProviderRequest[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const hanging: Array<() => void> = [];
  const fake: FakeProvider = { url: '', mode: 'ok', requests: [], close: async () => {} };
  const answer = (request: IncomingMessage, response: ServerResponse, form: URLSearchParams) => {
    fake.requests.push({ path: request.url ?? '', authorization: request.headers.authorization, form });
    if (fake.mode === 'hang') {
      hanging.push(() => response.destroy());
      return;
    }
    response.setHeader('content-type', 'application/json');
    if (fake.mode === 'error') {
      // Twilio's error messages may quote what was sent: the adapter must not pass them on.
      response.statusCode = 400;
      response.end(JSON.stringify({ code: 21211, message: `Invalid 'To' Phone Number for body ${form.get('Body') ?? form.get('Twiml')}`, status: 400 }));
      return;
    }
    if (fake.mode === 'server_error') {
      response.statusCode = 500;
      response.end('{"message":"internal"}');
      return;
    }
    response.statusCode = 201;
    response.end(JSON.stringify({ sid: `SM${fake.requests.length}`, status: 'queued' }));
  };
  const server: Server = createServer((request, response) => {
    // A failed read ends this request, not the test process (an unhandled rejection would).
    readBody(request).then((body) => answer(request, response, new URLSearchParams(body)), (error: Error) => response.destroy(error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  fake.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  fake.close = async () => {
    for (const end of hanging) end();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return fake;
}

export function codeIn(text: string | null | undefined): string | undefined {
  const digits = text?.match(/(?:コード: |コードは、)([0-9、]+)/)?.[1];
  return digits?.replace(/、/g, '');
}
