// Checks of what a client sends before anything is done with it: a position is two non-negative integers, a range
// runs forward, a change is a string with an optional range. Requests that fail get InvalidParams (the one error
// response the server gives on purpose); notifications that fail are ignored and logged, since they have no reply.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';

/** Lines and characters above this are not positions any editor sends (and would overflow the wasm side). */
const MAX_COORDINATE = 0x7fffffff;

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function coordinate(v: unknown): boolean {
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COORDINATE;
}

/** Why `p` is not an LSP position, or undefined when it is one. */
export function positionProblem(p: unknown, what = 'position'): string | undefined {
    if (!isRecord(p)) return `${what} must be an object {line, character}`;
    if (!coordinate(p.line)) return `${what}.line must be a non-negative integer`;
    if (!coordinate(p.character)) return `${what}.character must be a non-negative integer`;
    return undefined;
}

/** Why `r` is not an LSP range (start not after end), or undefined when it is one. */
export function rangeProblem(r: unknown, what = 'range'): string | undefined {
    if (!isRecord(r)) return `${what} must be an object {start, end}`;
    const bad = positionProblem(r.start, `${what}.start`) ?? positionProblem(r.end, `${what}.end`);
    if (bad) return bad;
    const s = r.start as { line: number; character: number };
    const e = r.end as { line: number; character: number };
    if (s.line > e.line || (s.line === e.line && s.character > e.character)) return `${what} ends before it starts`;
    return undefined;
}

/** Why `td` is not a `{uri}` text document identifier. */
export function documentProblem(td: unknown): string | undefined {
    return isRecord(td) && typeof td.uri === 'string' ? undefined : 'textDocument.uri must be a string';
}

/** Why a `didChange`'s content changes cannot be applied, or undefined when every one can. */
export function changesProblem(changes: unknown): string | undefined {
    if (!Array.isArray(changes)) return 'contentChanges must be an array';
    for (let i = 0; i < changes.length; i++) {
        const c: unknown = changes[i];
        if (!isRecord(c) || typeof c.text !== 'string') return `contentChanges[${i}].text must be a string`;
        if ('range' in c && c.range !== undefined) {
            const bad = rangeProblem(c.range, `contentChanges[${i}].range`);
            if (bad) return bad;
        }
    }
    return undefined;
}

/** Throws InvalidParams when `problem` is set. */
export function rejectIf(problem: string | undefined): void {
    if (problem !== undefined) throw new ResponseError(ErrorCodes.InvalidParams, problem);
}
