// Completion inside the SDK's calls: keyword arguments of Deployment(...), @app.remote(...), app.image(...) and
// configure_autoscaling(...); query columns and GPU constants inside image.require(...) or after `q.`; GPU constants
// only where a GPU name goes (`gpu_name.in_([`, `gpu_name == `); methods after a deployment or image variable. The
// model gives the calls; a bracket scan of the text before the cursor covers the half-typed call the parser could not
// yet read. A query name the file does not import yet comes with the edit that imports it.
import { CompletionItemKind, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import type { FileAnalysis, MethodCall, Position } from '../shared/model';
import { queryImportEdit } from '../shared/rules/importEdit';
import { AUTOSCALING_CALL, DEPLOYMENT_CALL, IMAGE_CALL, REMOTE_CALL, type SdkCall } from '../shared/rules/sdk';
import { LineIndex } from '../shared/rules/text';
import { GPU_NAMES, QUERY_COLUMNS } from '../shared/vocabulary';
import { contains } from './ranges';
import { COLUMN_DOCS, DEPLOYMENT_METHOD_DOCS, IMAGE_METHOD_DOCS, KEYWORD_DOCS, type KeywordDoc } from './sdkDocs';

type KeywordCall = keyof typeof KEYWORD_DOCS;
type Context = { kind: 'keywords'; call: KeywordCall; given: Set<string> } | { kind: 'query' } | { kind: 'gpu' };

/** Characters of text before the cursor that completion looks at (an unclosed call rarely spans more). */
const LOOKBEHIND = 4000;

/**
 * Completion items at `pos` (`offset` in `text`, the document `analysis` was made from).
 */
export function completionsAt(analysis: FileAnalysis, text: string, offset: number, pos: Position): CompletionItem[] {
    const before = text.slice(Math.max(0, offset - LOOKBEHIND), offset);
    const lineStart = before.lastIndexOf('\n') + 1;
    const linePrefix = before.slice(lineStart);
    const imports = new ImportEdits(analysis, text);
    if (gpuComparison(analysis, linePrefix)) return gpuItems(analysis, imports);
    const member = /([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]*)$/.exec(linePrefix);
    if (member) return memberCompletions(analysis, member[1] as string, imports);
    const ctx = textContext(analysis, before, true) ?? modelContext(analysis, pos) ?? textContext(analysis, before);
    if (!ctx) return [];
    if (ctx.kind === 'gpu') return gpuItems(analysis, imports);
    if (ctx.kind === 'query') return queryItems(analysis, imports);
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

/** The import edits of query names, computed on demand (a completion list without query names needs none). */
class ImportEdits {
    private lines: LineIndex | undefined;

    constructor(
        private readonly analysis: FileAnalysis,
        private readonly text: string,
    ) {}

    /** `additionalTextEdits` for completing the query name `name` unqualified: its import, when missing. */
    for(name: string): Pick<CompletionItem, 'additionalTextEdits'> {
        this.lines ??= new LineIndex(this.text);
        const edit = queryImportEdit(this.analysis, name, this.lines);
        return edit ? { additionalTextEdits: [edit] } : {};
    }
}

const SIGNATURES: Record<KeywordCall, SdkCall> = {
    Deployment: DEPLOYMENT_CALL,
    remote: REMOTE_CALL,
    image: IMAGE_CALL,
    configure_autoscaling: AUTOSCALING_CALL,
};

function memberCompletions(analysis: FileAnalysis, qualifier: string, imports: ImportEdits): CompletionItem[] {
    if (analysis.imports.queryModules.includes(qualifier)) return queryItems(analysis, imports, true);
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

/** Local name -> imported name, inverted: the alias a query name was imported under (`gpu_ram as ram`). */
function localNames(analysis: FileAnalysis): Map<string, string> {
    const localOf = new Map<string, string>();
    for (const [local, imported] of Object.entries(analysis.imports.queryNames)) localOf.set(imported, local);
    return localOf;
}

/** Query columns and GPU constants; plain names unless `qualified` (after `q.`, which needs no import). */
function queryItems(analysis: FileAnalysis, imports: ImportEdits, qualified = false): CompletionItem[] {
    const localOf = qualified ? new Map<string, string>() : localNames(analysis);
    const items: CompletionItem[] = [];
    for (const name of Object.keys(QUERY_COLUMNS)) {
        const local = localOf.get(name);
        const label = local ?? name;
        items.push({
            label,
            kind: CompletionItemKind.Field,
            detail: 'query column (vastai.data.query)',
            documentation: COLUMN_DOCS[name] ? { kind: MarkupKind.Markdown, value: COLUMN_DOCS[name] } : undefined,
            sortText: `${local ? '0' : '1'}_${label}`,
            ...(local || qualified ? {} : imports.for(name)),
        });
    }
    items.push(...gpuItems(analysis, imports, qualified, localOf, '2'));
    return items;
}

/** GPU constants (`RTX_4090`), imported ones first. */
function gpuItems(
    analysis: FileAnalysis,
    imports: ImportEdits,
    qualified = false,
    localOf = qualified ? new Map<string, string>() : localNames(analysis),
    rank = '1',
): CompletionItem[] {
    return Object.entries(GPU_NAMES).map(([name, gpu]) => {
        const local = localOf.get(name);
        const label = local ?? name;
        return {
            label,
            kind: CompletionItemKind.Constant,
            detail: `GPU ${JSON.stringify(gpu)}${local || qualified ? '' : ' (adds the import)'}`,
            sortText: `${local ? '0' : rank}_${label}`,
            ...(local || qualified ? {} : imports.for(name)),
        };
    });
}

/** True when `linePrefix` ends in a comparison of gpu_name (`gpu_name == `, `q.gpu_name != RTX`): a GPU goes there. */
function gpuComparison(analysis: FileAnalysis, linePrefix: string): boolean {
    const m = /((?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*)\s*[!=]=\s*[A-Za-z_0-9]*$/.exec(linePrefix);
    return m !== null && isGpuNameColumn(analysis, m[1] as string);
}

/** True when `expr` (`gpu_name`, an alias of it, `q.gpu_name`) denotes the gpu_name column. */
function isGpuNameColumn(analysis: FileAnalysis, expr: string): boolean {
    const { queryNames, queryModules } = analysis.imports;
    const dot = expr.lastIndexOf('.');
    if (dot >= 0) return expr.slice(dot + 1) === 'gpu_name' && queryModules.includes(expr.slice(0, dot));
    // Not imported yet: the name still says what goes there (`undefined-name` asks for the import).
    return Object.prototype.hasOwnProperty.call(queryNames, expr)
        ? queryNames[expr] === 'gpu_name'
        : expr === 'gpu_name';
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

/**
 * Finds the unclosed call before the cursor in the raw text (strings and comments skipped roughly). `gpuOnly`: only
 * answer when the call is `gpu_name.in_(...)` / `notin_(...)` (checked before the model, which knows only require).
 */
function textContext(analysis: FileAnalysis, before: string, gpuOnly = false): Context | undefined {
    const tail = before.slice(-LOOKBEHIND);
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
            const callee = /((?:[A-Za-z_][A-Za-z0-9_]*\.)*)([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(tail.slice(0, i));
            if (!callee) return undefined;
            const method = callee[2] as string;
            const receiver = callee[1] ? (callee[1] as string).slice(0, -1) : undefined;
            if ((method === 'in_' || method === 'notin_') && receiver && isGpuNameColumn(analysis, receiver)) {
                return { kind: 'gpu' };
            }
            if (gpuOnly) return undefined;
            return calleeContext(analysis, method, receiver?.split('.').pop(), query);
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
