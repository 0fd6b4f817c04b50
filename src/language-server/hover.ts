// Hover on the SDK's keywords: constructor and decorator arguments, autoscaling parameters (meaning, units,
// defaults), image methods and query columns (units) and GPU constants.
import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { CallArg, FileAnalysis, MethodCall, Position, Range } from '../shared/model';
import { gpuConstant, serverColumn } from '../shared/vocabulary';
import { COLUMN_DOCS, DEPLOYMENT_METHOD_DOCS, IMAGE_METHOD_DOCS, KEYWORD_DOCS, type KeywordDoc } from './sdkDocs';
import { contains } from './ranges';

type KeywordTable = Record<string, KeywordDoc>;

/** The hover for `pos`, or null when it is not on something the SDK gives meaning to. */
/** `line` is the text of line `pos.line`. */
export function hoverAt(analysis: FileAnalysis, line: string, pos: Position): Hover | null {
    for (const d of analysis.deployments) {
        const h =
            onCall(d.call, KEYWORD_DOCS.Deployment, pos, {
                signature: 'Deployment(name=None, tag="default", ...)',
                doc: 'A serverless deployment: its `@remote` functions run on Vast workers. Needs an image, `configure_autoscaling()` and one benchmark.',
            }) ??
            firstOf(
                d.remotes.map((r) => r.decorator),
                KEYWORD_DOCS.remote,
                pos,
                DEPLOYMENT_METHOD_DOCS.remote,
            ) ??
            firstOf(
                d.contexts.map((c) => c.decorator),
                {},
                pos,
                DEPLOYMENT_METHOD_DOCS.context,
            ) ??
            firstOf(
                d.autoscalingCalls,
                KEYWORD_DOCS.configure_autoscaling,
                pos,
                DEPLOYMENT_METHOD_DOCS.configure_autoscaling,
            ) ??
            firstOf(d.ensureReadyCalls, {}, pos, DEPLOYMENT_METHOD_DOCS.ensure_ready) ??
            otherCall(d.otherCalls, pos) ??
            (d.image ? onCall(d.image.call, KEYWORD_DOCS.image, pos, DEPLOYMENT_METHOD_DOCS.image) : null) ??
            (d.image ? imageMethod(d.image.calls, pos) : null);
        if (h) return h;
    }
    return queryWord(analysis, line, pos);
}

function firstOf(calls: MethodCall[], table: KeywordTable, pos: Position, methodDoc?: KeywordDoc): Hover | null {
    for (const c of calls) {
        const h = onCall(c, table, pos, methodDoc);
        if (h) return h;
    }
    return null;
}

function onCall(call: MethodCall, table: KeywordTable, pos: Position, methodDoc?: KeywordDoc): Hover | null {
    if (!contains(call.range, pos)) return null;
    if (methodDoc && contains(call.methodRange, pos)) return markdown(methodDoc, call.methodRange);
    const arg = keywordAt(call.args, pos);
    if (arg?.name && arg.nameRange && Object.prototype.hasOwnProperty.call(table, arg.name)) {
        return markdown(table[arg.name] as KeywordDoc, arg.nameRange);
    }
    return null;
}

function keywordAt(args: CallArg[], pos: Position): CallArg | undefined {
    return args.find((a) => a.nameRange !== undefined && contains(a.nameRange, pos));
}

function otherCall(calls: MethodCall[], pos: Position): Hover | null {
    for (const c of calls) {
        const doc = DEPLOYMENT_METHOD_DOCS[c.method];
        if (doc && contains(c.methodRange, pos)) return markdown(doc, c.methodRange);
    }
    return null;
}

function imageMethod(calls: MethodCall[], pos: Position): Hover | null {
    for (const c of calls) {
        const doc = IMAGE_METHOD_DOCS[c.method];
        if (doc && contains(c.methodRange, pos)) return markdown(doc, c.methodRange);
    }
    return null;
}

/** Query columns and GPU constants, wherever they appear, when they come from `vastai.data.query`. */
function queryWord(analysis: FileAnalysis, line: string, pos: Position): Hover | null {
    const w = wordAt(line, pos);
    if (!w) return null;
    const { queryNames, queryModules } = analysis.imports;
    let imported: string | undefined;
    if (Object.prototype.hasOwnProperty.call(queryNames, w.word)) imported = queryNames[w.word];
    else if (w.qualifier !== undefined && queryModules.includes(w.qualifier)) imported = w.word;
    if (imported === undefined) return null;
    const column = serverColumn(imported);
    if (column !== undefined) {
        const doc = COLUMN_DOCS[imported] ?? 'A machine property the offer search filters on.';
        const wire = column !== imported ? ` (server column \`${column}\`)` : '';
        return markdown({ signature: `column ${imported}${wire}`, doc }, w.range);
    }
    const gpu = gpuConstant(imported);
    if (gpu !== undefined) {
        return markdown(
            { signature: `${imported} = ${JSON.stringify(gpu)}`, doc: 'GPU model name, for `gpu_name` queries.' },
            w.range,
        );
    }
    return null;
}

/** The identifier under the cursor and the identifier before a `.` in front of it (`q.gpu_ram` -> `q`). */
export function wordAt(line: string, pos: Position): { word: string; qualifier?: string; range: Range } | undefined {
    const isWord = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);
    let s = Math.min(pos.character, line.length);
    let e = s;
    while (s > 0 && isWord(line[s - 1])) s--;
    while (e < line.length && isWord(line[e])) e++;
    if (s === e) return undefined;
    let qualifier: string | undefined;
    if (line[s - 1] === '.') {
        let q = s - 1;
        while (q > 0 && isWord(line[q - 1])) q--;
        if (q < s - 1) qualifier = line.slice(q, s - 1);
    }
    const range = { start: { line: pos.line, character: s }, end: { line: pos.line, character: e } };
    return { word: line.slice(s, e), qualifier, range };
}

function markdown(doc: KeywordDoc, range: Range): Hover {
    return {
        contents: { kind: MarkupKind.Markdown, value: `\`\`\`python\n${doc.signature}\n\`\`\`\n\n${doc.doc}` },
        range,
    };
}
