/**
 * A small but real OpenAI-compatible upstream on loopback (node:http), for end-to-end tests:
 * chat completions (JSON or SSE with a final usage chunk), completions, embeddings and models,
 * with controllable latency and failures, counting every hit.
 *
 * Failures are deterministic (no randomness): `failStatus` fails every request, `script` fails
 * the next requests with the listed statuses in order, and `errorRate` r fails request n when
 * floor((n + 1) r) > floor(n r), i.e. exactly r of them, evenly spread.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockBehaviour {
  /** Delay before the answer (or the first SSE chunk), ms. */
  delayMs: number;
  /** Delay between SSE chunks, ms (0: yield to the event loop only). */
  chunkDelayMs: number;
  /** Content chunks per streamed answer. */
  streamChunks: number;
  /** Completion tokens reported in usage. */
  completionTokens: number;
  /** Every request fails with this status (0: none). */
  failStatus: number;
  /** Fraction of requests that fail with `rateStatus`. */
  errorRate: number;
  rateStatus: number;
  /** Statuses for the next requests, consumed in order. */
  script: number[];
  /** `retry-after` seconds sent with 429s. */
  retryAfterS: number;
}

export interface MockHit {
  path: string;
  model: string;
  stream: boolean;
  authorization: string | undefined;
  status: number;
}

export interface MockOpenAI {
  readonly url: string;
  readonly port: number;
  readonly behaviour: MockBehaviour;
  /** Every request received, in order. */
  readonly hits: MockHit[];
  /** Requests whose client went away before the answer ended. */
  aborted: number;
  /** Requests being answered now. */
  inFlight: number;
  set(b: Partial<MockBehaviour>): void;
  reset(): void;
  close(): Promise<void>;
}

const DEFAULTS: MockBehaviour = {
  delayMs: 0,
  chunkDelayMs: 0,
  streamChunks: 4,
  completionTokens: 12,
  failStatus: 0,
  errorRate: 0,
  rateStatus: 500,
  script: [],
  retryAfterS: 1,
};

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  if (parts.length === 0) return {};
  try {
    const v: unknown = JSON.parse(Buffer.concat(parts).toString('utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Prompt tokens as the mock counts them: ceil(characters / 4) over message contents, at least 1. */
export function mockPromptTokens(body: Record<string, unknown>): number {
  let chars = 0;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) {
      const content = (m as { content?: unknown }).content;
      if (typeof content === 'string') chars += content.length;
    }
  }
  if (typeof body.prompt === 'string') chars += body.prompt.length;
  if (typeof body.input === 'string') chars += body.input.length;
  return Math.max(1, Math.ceil(chars / 4));
}

function sendJson(
  res: ServerResponse,
  status: number,
  obj: unknown,
  extra: Record<string, string> = {},
): void {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

export async function startMockOpenAI(initial: Partial<MockBehaviour> = {}): Promise<MockOpenAI> {
  const behaviour: MockBehaviour = { ...DEFAULTS, ...initial, script: [...(initial.script ?? [])] };
  const hits: MockHit[] = [];
  let counter = 0;
  const state = { aborted: 0, inFlight: 0 };

  const failureFor = (): number => {
    if (behaviour.script.length > 0) return behaviour.script.shift() ?? 0;
    if (behaviour.failStatus !== 0) return behaviour.failStatus;
    const n = counter++;
    if (
      behaviour.errorRate > 0 &&
      Math.floor((n + 1) * behaviour.errorRate) > Math.floor(n * behaviour.errorRate)
    ) {
      return behaviour.rateStatus;
    }
    return 0;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path.endsWith('/models')) {
      sendJson(res, 200, { object: 'list', data: [{ id: 'mock-model', object: 'model', owned_by: 'mock' }] });
      return;
    }
    const body = await readJson(req);
    const model = typeof body.model === 'string' ? body.model : '';
    const stream = body.stream === true;
    const hit: MockHit = { path, model, stream, authorization: req.headers.authorization, status: 200 };
    hits.push(hit);
    const failure = failureFor();
    let closed = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true;
        state.aborted++;
      }
    });
    state.inFlight++;
    try {
      await sleep(behaviour.delayMs);
      if (closed) return;
      if (failure !== 0) {
        hit.status = failure;
        const extra: Record<string, string> =
          failure === 429 ? { 'retry-after': String(behaviour.retryAfterS) } : {};
        sendJson(
          res,
          failure,
          { error: { message: `mock failure ${failure}`, type: 'api_error', code: null } },
          extra,
        );
        return;
      }
      const promptTokens = mockPromptTokens(body);
      const usage = {
        prompt_tokens: promptTokens,
        completion_tokens: behaviour.completionTokens,
        total_tokens: promptTokens + behaviour.completionTokens,
      };
      if (path.endsWith('/embeddings')) {
        sendJson(res, 200, {
          object: 'list',
          data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] }],
          model,
          usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
        });
        return;
      }
      const id = `cmpl-mock-${hits.length}`;
      if (!stream) {
        const choice = path.endsWith('/chat/completions')
          ? { index: 0, message: { role: 'assistant', content: 'hello from mock' }, finish_reason: 'stop' }
          : { index: 0, text: 'hello from mock', finish_reason: 'stop' };
        sendJson(res, 200, { id, object: 'chat.completion', created: 0, model, choices: [choice], usage });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const withUsage =
        (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
      for (let i = 0; i < behaviour.streamChunks; i++) {
        if (closed) return;
        const chunk = {
          id,
          object: 'chat.completion.chunk',
          created: 0,
          model,
          choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }],
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        await sleep(behaviour.chunkDelayMs);
      }
      if (closed) return;
      if (withUsage) {
        res.write(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model, choices: [], usage })}\n\n`,
        );
      }
      res.end('data: [DONE]\n\n');
    } finally {
      state.inFlight--;
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { error: { message: String(e), type: 'api_error', code: null } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    behaviour,
    hits,
    get aborted() {
      return state.aborted;
    },
    set aborted(v: number) {
      state.aborted = v;
    },
    get inFlight() {
      return state.inFlight;
    },
    set(b) {
      Object.assign(behaviour, b);
      if (b.script) behaviour.script = [...b.script];
    },
    reset() {
      Object.assign(behaviour, DEFAULTS, { script: [] });
      hits.length = 0;
      counter = 0;
      state.aborted = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
