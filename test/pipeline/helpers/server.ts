/** A scriptable HTTP server on 127.0.0.1 for client tests: records every request, answers from per-route queues. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
    json?: unknown;
}

export type Handler = (req: Recorded, res: http.ServerResponse) => void | Promise<void>;

/** Answers JSON with a status and optional headers. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
    return (_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
}

/** Answers raw text. */
export function text(status: number, body: string, headers: Record<string, string> = {}): Handler {
    return (_req, res) => {
        res.writeHead(status, { 'content-type': 'text/plain', ...headers });
        res.end(body);
    };
}

/** Sends the headers and part of a body, then destroys the socket (a dropped connection mid-response). */
export function drop(): Handler {
    return (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"partial":');
        setTimeout(() => res.socket?.destroy(), 5);
    };
}

/** Never answers (until the server closes). */
export function hang(): Handler {
    return () => undefined;
}

export class TestServer {
    readonly requests: Recorded[] = [];
    private readonly routes = new Map<string, Handler[]>();
    private readonly raw = new Map<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>();
    private server?: http.Server;
    url = '';

    /** Queues handlers for `METHOD /path`; the last one answers every later request. */
    on(method: string, path: string, ...handlers: Handler[]): this {
        this.routes.set(`${method} ${path}`, handlers);
        this.raw.delete(`${method} ${path}`);
        return this;
    }

    /** Answers `METHOD /path` as soon as the request's headers arrive, before its body is read (an early refusal). */
    onRaw(method: string, path: string, handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): this {
        this.raw.set(`${method} ${path}`, handler);
        return this;
    }

    /** Requests to one path (any method when omitted). */
    to(path: string, method?: string): Recorded[] {
        return this.requests.filter((r) => r.path === path && (method === undefined || r.method === method));
    }

    async start(): Promise<this> {
        this.server = http.createServer((req, res) => {
            const early = this.raw.get(`${req.method ?? ''} ${new URL(req.url ?? '/', 'http://x').pathname}`);
            if (early) {
                early(req, res);
                req.resume();
                return;
            }
            const chunks: Buffer[] = [];
            req.on('data', (c: Buffer) => chunks.push(c));
            req.on('end', () => {
                const u = new URL(req.url ?? '/', 'http://x');
                const body = Buffer.concat(chunks);
                const rec: Recorded = {
                    method: req.method ?? '',
                    path: u.pathname,
                    query: u.searchParams,
                    headers: req.headers,
                    body,
                };
                if ((req.headers['content-type'] ?? '').includes('json') && body.length > 0) {
                    try {
                        rec.json = JSON.parse(body.toString('utf8'));
                    } catch {
                        rec.json = undefined;
                    }
                }
                this.requests.push(rec);
                const queue = this.routes.get(`${rec.method} ${rec.path}`);
                const h = queue && queue.length > 1 ? queue.shift() : queue?.[0];
                if (!h) return json(404, { error: `no route ${rec.method} ${rec.path}` })(rec, res);
                void Promise.resolve(h(rec, res)).catch((e: unknown) => {
                    res.writeHead(500);
                    res.end(String(e));
                });
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async close(): Promise<void> {
        this.server?.closeAllConnections();
        await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    }
}
