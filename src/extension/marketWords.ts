/**
 * Machines and prices in the editor, in words: the CodeLens on `image.require(...)`, its hover, the Deploy plan's
 * line and the warning a deploy without a dialog shows. vscode-free and pure (test/unit/extension/marketWords.test.ts).
 */
import type { MarketInput, MarketResult } from '../pipeline/run/market';
import { QueryParseError } from '../shared/market/query';
import { marketLine, NO_MATCH_WARNING } from '../shared/market/summary';
import type { DeploymentSummary } from '../shared/protocol';
import { unreachableWhy } from './util';

/** One search as the editor knows it right now. */
export type MarketView = { kind: 'loading' } | { kind: 'ok'; result: MarketResult } | { kind: 'error'; reason: string };

/** The search a definition asks for, as the editor reads it (the buffer, not the file on disk). */
export function marketInputOf(d: DeploymentSummary): MarketInput | { unavailable: string } | undefined {
    if (!d.image) return undefined;
    if (d.image.searchParams === undefined) return { unavailable: 'the requirements are not literal values' };
    const mw = d.autoscaling?.max_workers;
    return {
        searchParams: d.image.searchParams,
        // `storage` is a required argument of app.image(); 50 is the packaging default when it cannot be read.
        storage: d.image.storage ?? 50,
        maxWorkers: typeof mw === 'number' ? mw : undefined,
    };
}

/** The cache key of a search: the offers answer depends on these two only (max_workers is applied after). */
export function marketKey(i: Pick<MarketInput, 'searchParams' | 'storage'>): string {
    return `${i.storage}\u0000${i.searchParams}`;
}

/** Why a search has no answer, in a few words for a lens ("prices unavailable: <reason>"). */
export function unavailableReason(err: unknown, timeoutMs: number): string {
    const e = err as { name?: unknown; message?: unknown; status?: unknown; serverMessage?: unknown };
    if (e?.name === 'NoApiKeyError') return 'no Vast.ai API key';
    if (e?.name === 'UntrustedWorkspaceError') return 'this workspace is not trusted';
    if (err instanceof QueryParseError) return shorten(`search_params: ${err.message}`);
    if (typeof e?.status === 'number') {
        const said = typeof e.serverMessage === 'string' && e.serverMessage ? `: ${e.serverMessage}` : '';
        return shorten(`the offers search answered HTTP ${e.status}${said}`);
    }
    const why = unreachableWhy(err, timeoutMs);
    if (why) return shorten(`the service is unreachable (${why})`);
    const msg = err instanceof Error ? err.message : String(err);
    return shorten(msg || 'unknown error');
}

function shorten(s: string, max = 100): string {
    const one = s.replace(/\s+/g, ' ').trim();
    return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The CodeLens title. Loading always ends (every search has a time limit). */
export function lensTitle(v: MarketView): string {
    switch (v.kind) {
        case 'loading':
            return 'machines: searching…';
        case 'ok':
            return marketLine(v.result);
        case 'error':
            return `prices unavailable: ${v.reason}`;
    }
}

const usd = (n: number): string => `$${n < 10 ? n.toFixed(3) : n.toFixed(2)}/h`;

/** The hover on `image.require(...)` (and the lens tooltip): the same numbers, with what they are made of. */
export function marketDetails(v: MarketView, input: MarketInput): string {
    const lines: string[] = [];
    if (v.kind === 'loading') lines.push('**Machines and prices**: searching the offers…');
    if (v.kind === 'error') lines.push(`**Machines and prices** unavailable: ${v.reason}`);
    if (v.kind === 'ok') {
        const r = v.result;
        lines.push(
            r.synthetic
                ? '**Machines and prices** (synthetic prices: the local emulator\u2019s made-up market)'
                : '**Machines and prices** on Vast.ai right now',
        );
        lines.push('');
        if (r.warning) {
            lines.push(
                `\u26a0 **${NO_MATCH_WARNING}**: no offer matches these requirements. Loosen \`image.require(...)\`.`,
            );
        } else {
            const count = `${r.machines}${r.capped ? '+' : ''}`;
            lines.push(`- ${count} machine${r.machines === 1 ? '' : 's'} match (${r.matches} offers)`);
            lines.push(
                `- One worker: from ${usd(r.perWorker!)}${r.median !== undefined ? `, median ${usd(r.median)}` : ''}`,
            );
            if (r.atMax) {
                const few = r.atMax.workers < (r.maxWorkers ?? 0) ? ` (only ${r.atMax.workers} machines match)` : '';
                lines.push(`- max_workers=${r.maxWorkers}: ${usd(r.atMax.dph)}${few}`);
            } else if (r.maxWorkers === undefined) {
                lines.push('- max_workers is not set: the service default applies');
            }
            if (r.gpus.length > 0) lines.push(`- Cheapest GPUs: ${r.gpus.join(', ')}`);
        }
        if (r.ignoredFields.length > 0) {
            lines.push(`- Not in the synthetic market, so not filtered: ${r.ignoredFields.join(', ')}`);
        }
    }
    lines.push('', `search_params: \`${input.searchParams}\`, storage ${input.storage} GB`);
    return lines.join('\n');
}

/** What the Deploy plan says about machines: one line, and the warning to put first when nothing matches. */
export function planMachines(v: { result?: MarketResult; error?: string }): { line: string; warning?: string } {
    if (!v.result) return { line: `Machines: prices unavailable: ${v.error ?? 'unknown error'}` };
    const line = `Machines: ${marketLine(v.result)}`;
    if (!v.result.warning) return { line };
    return { line, warning: `\u26a0 ${NO_MATCH_WARNING}${v.result.synthetic ? ' (synthetic prices)' : ''}.` };
}
