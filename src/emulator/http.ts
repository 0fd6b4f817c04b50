/** Small HTTP helpers shared by the emulator's routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Req {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: IncomingMessage['headers'];
    body: Buffer;
    raw: IncomingMessage;
}

/** A route result: status + JSON body, or raw text with a content type. */
export type Reply =
    | { status: number; json: unknown }
    | { status: number; text: string; contentType: string }
    | { status: number; empty: true };

export const json = (status: number, body: unknown): Reply => ({ status, json: body });

/** The console's usual error shape (docs: api-reference/rate-limits-and-errors). */
export const apiError = (status: number, error: string, msg: string): Reply =>
    json(status, { success: false, error, msg });

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (c: Buffer): void => {
            size += c.length;
            if (size > limit) {
                // Stop keeping it; the rest is read and dropped so the client still gets the answer.
                req.off('data', onData);
                chunks.length = 0;
                req.resume();
                reject(new Error('body too large'));
                return;
            }
            chunks.push(c);
        };
        req.on('data', onData);
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
    });
}

export function send(res: ServerResponse, reply: Reply): void {
    if ('json' in reply) {
        const body = JSON.stringify(reply.json);
        res.writeHead(reply.status, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
        });
        res.end(body);
    } else if ('text' in reply) {
        res.writeHead(reply.status, {
            'content-type': reply.contentType,
            'content-length': Buffer.byteLength(reply.text),
        });
        res.end(reply.text);
    } else {
        res.writeHead(reply.status, { 'content-length': 0 });
        res.end();
    }
}

/** The key a call carries: `Authorization: Bearer <key>` first, then `?api_key=`. */
export function keyOf(req: Pick<Req, 'headers' | 'query'>): string | undefined {
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) {
        const k = auth.slice('Bearer '.length).trim();
        if (k) return k;
    }
    return req.query.get('api_key') || undefined;
}

/** Parses a JSON object body; undefined when it is not one. */
export function jsonObject(body: Buffer): Record<string, unknown> | undefined {
    if (body.length === 0) return {};
    try {
        const v: unknown = JSON.parse(body.toString('utf8'));
        return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}
