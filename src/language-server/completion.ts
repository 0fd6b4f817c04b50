// Completion inside the SDK's calls: keyword arguments of Deployment(...), @app.remote(...), app.image(...) and
// configure_autoscaling(...); query columns and GPU constants inside image.require(...) or after `q.`; methods after
// a deployment or image variable. The model gives the calls; a bracket scan of the text before the cursor covers the
// half-typed call the parser could not yet read.
import { CompletionItemKind, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import type { FileAnalysis, MethodCall, Position } from '../shared/model';
import { AUTOSCALING_CALL, DEPLOYMENT_CALL, IMAGE_CALL, REMOTE_CALL, type SdkCall } from '../shared/rules/sdk';
import { GPU_NAMES, QUERY_COLUMNS } from '../shared/vocabulary';
import { contains } from './ranges';
import { COLUMN_DOCS, DEPLOYMENT_METHOD_DOCS, IMAGE_METHOD_DOCS, KEYWORD_DOCS, type KeywordDoc } from './sdkDocs';

type KeywordCall = keyof typeof KEYWORD_DOCS;
type Context = { kind: 'keywords'; call: KeywordCall; given: Set<string> } | { kind: 'query' };

/**
 * Completion items at `pos`. `before` is the document text before the cursor (a bounded tail of it is enough).
 */
export function completionsAt(analysis: FileAnalysis, before: string, pos: Position): CompletionItem[] {
    const lineStart = before.lastIndexOf('\n') + 1;
    const linePrefix = before.slice(lineStart);
    const member = /([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]*)$/.exec(linePrefix);
    if (member) return memberCompletions(analysis, member[1] as string);
    const ctx = modelContext(analysis, pos) ?? textContext(analysis, before);
    if (!ctx) return [];
    if (ctx.kind === 'query') return queryItems(analysis);
    // Keywords only where an argument starts: after `(` or `,` and an optional partial identifier.
    if (!/[(,]\s*[A-Za-z_0-9]*$/.test(before.slice(-200))) return [];
    const docs: Record<string, KeywordDoc> = KEYWORD_DOCS[ctx.call];
    // The accepted keywords come from the rules' SDK signatures (the same table `unknown-argument` uses).
    return SIGNATURES[ctx.call].params
        .filter((p) => !p.rejected && !ctx.given.has(p.name))
        .map((p) => {
            const doc = docs[p.name];
            return {
                label: `${p.name}=`,
                kind: CompletionItemKind.Property,
                insertText: `${p.name}=`,
                filterText: p.name,
                detail: doc?.signature ?? `${p.name}: ${p.types.join(' | ')}`,
                documentation: doc ? { kind: MarkupKind.Markdown, value: doc.doc } : undefined,
                sortText: `0_${p.name}`,
            };
        });
}

const SIGNATURES: Record<KeywordCall, SdkCall> = {
    Deployment: DEPLOYMENT_CALL,
    remote: REMOTE_CALL,
    image: IMAGE_CALL,
    configure_autoscaling: AUTOSCALING_CALL,
};

function memberCompletions(analysis: FileAnalysis, qualifier: string): CompletionItem[] {
    if (analysis.imports.queryModules.includes(qualifier)) return queryItems(analysis, true);
    if (analysis.imports.vastaiModules.includes(qualifier)) {
        return [{ label: 'Deployment', kind: CompletionItemKind.Class, detail: 'vastai.Deployment' }];
    }
    if (analysis.deployments.some((d) => d.variable === qualifier)) return methodItems(DEPLOYMENT_METHOD_DOCS);
    if (analysis.deployments.some((d) => d.image?.variable === qualifier)) return methodItems(IMAGE_METHOD_DOCS);
    return [];
}

function methodItems(table: Record<string, KeywordDoc>): CompletionItem[] {
    return Object.entries(table).map(([name, doc]) => ({
        label: name,
        kind: CompletionItemKind.Method,
        detail: doc.signature,
        documentation: { kind: MarkupKind.Markdown, value: doc.doc },
    }));
}

/** Query columns and GPU constants; plain names unless `qualified` (after `q.`). */
function queryItems(analysis: FileAnalysis, qualified = false): CompletionItem[] {
    // Prefer the local alias a column was imported under (`from vastai.data.query import gpu_ram as ram`).
    const localOf = new Map<string, string>();
    if (!qualified) {
        for (const [local, imported] of Object.entries(analysis.imports.queryNames)) localOf.set(imported, local);
    }
    const items: CompletionItem[] = [];
    for (const name of Object.keys(QUERY_COLUMNS)) {
        const label = localOf.get(name) ?? name;
        items.push({
            label,
            kind: CompletionItemKind.Field,
            detail: 'query column (vastai.data.query)',
            documentation: COLUMN_DOCS[name] ? { kind: MarkupKind.Markdown, value: COLUMN_DOCS[name] } : undefined,
            sortText: `${localOf.has(name) ? '0' : '1'}_${label}`,
        });
    }
    for (const [name, gpu] of Object.entries(GPU_NAMES)) {
        const label = localOf.get(name) ?? name;
        items.push({
            label,
            kind: CompletionItemKind.Constant,
            detail: `GPU ${JSON.stringify(gpu)}`,
            sortText: `${localOf.has(name) ? '0' : '2'}_${label}`,
        });
    }
    return items;
}

/** The innermost SDK call whose parentheses hold the cursor, from the analysis. */
function modelContext(analysis: FileAnalysis, pos: Position): Context | undefined {
    let best: { call: MethodCall; ctx: Context } | undefined;
    const consider = (call: MethodCall, ctx: Context): void => {
        if (!insideParens(call, pos)) return;
        if (!best || contains(best.call.argsRange, call.argsRange.start)) best = { call, ctx };
    };
    const kw = (call: MethodCall, name: KeywordCall): Context => ({
        kind: 'keywords',
        call: name,
        given: new Set(call.args.flatMap((a) => (a.name ? [a.name] : []))),
    });
    for (const d of analysis.deployments) {
        consider(d.call, kw(d.call, 'Deployment'));
        for (const r of d.remotes) consider(r.decorator, kw(r.decorator, 'remote'));
        for (const a of d.autoscalingCalls) consider(a, kw(a, 'configure_autoscaling'));
        if (d.image) {
            consider(d.image.call, kw(d.image.call, 'image'));
            for (const c of d.image.calls) if (c.method === 'require') consider(c, { kind: 'query' });
        }
    }
    return best?.ctx;
}

function insideParens(call: MethodCall, pos: Position): boolean {
    const r = call.argsRange;
    const afterOpen = pos.line > r.start.line || (pos.line === r.start.line && pos.character > r.start.character);
    const beforeClose = pos.line < r.end.line || (pos.line === r.end.line && pos.character < r.end.character);
    return afterOpen && beforeClose;
}

/** Finds the unclosed call before the cursor in the raw text (strings and comments skipped roughly). */
function textContext(analysis: FileAnalysis, before: string): Context | undefined {
    const tail = before.slice(-4000);
    let depth = 0;
    let query = false;
    for (let i = tail.length - 1; i >= 0; i--) {
        const c = tail[i];
        if (c === ')' || c === ']' || c === '}') depth++;
        else if (c === '[' || c === '{') {
            if (depth === 0) query = true;
            else depth--;
        } else if (c === '(') {
            if (depth > 0) {
                depth--;
                continue;
            }
            const callee = /([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*$/.exec(tail.slice(0, i));
            if (!callee) return undefined;
            const method = callee[2] ?? callee[1];
            const receiver = callee[2] ? callee[1] : undefined;
            return calleeContext(analysis, method as string, receiver, query);
        }
    }
    return undefined;
}

function calleeContext(
    analysis: FileAnalysis,
    method: string,
    receiver: string | undefined,
    nested: boolean,
): Context | undefined {
    const given = new Set<string>();
    const imports = analysis.imports;
    const isDeploymentCtor =
        (receiver === undefined && (imports.deploymentNames.includes(method) || method === 'Deployment')) ||
        (receiver !== undefined && imports.vastaiModules.includes(receiver) && method === 'Deployment');
    if (method === 'require' || method === 'in_' || method === 'notin_') return { kind: 'query' };
    if (nested) return undefined;
    if (isDeploymentCtor) return { kind: 'keywords', call: 'Deployment', given };
    if (receiver === undefined) return undefined;
    if (method === 'remote') return { kind: 'keywords', call: 'remote', given };
    if (method === 'image') return { kind: 'keywords', call: 'image', given };
    if (method === 'configure_autoscaling') return { kind: 'keywords', call: 'configure_autoscaling', given };
    return undefined;
}
