/**
 * The edit that imports a name from `vastai.data.query`: merged into the file's `from vastai.data.query import ...`
 * (in its order and layout), or a new line after the other imports. Used by completion and the `undefined-name` fix.
 */
import type { FileAnalysis } from '../model';
import { type LineIndex, at } from './text';
import type { TextEdit } from './types';

export const QUERY_MODULE = 'vastai.data.query';

/** isort's and ruff's default order: CONSTANTS, then Classes, then other names, each group case-insensitively. */
function typeOrderKey(name: string): string {
    const group = name.length > 1 && name === name.toUpperCase() ? 0 : /^[A-Z]/.test(name) ? 1 : 2;
    return `${group}${name.toLowerCase()}`;
}

const caseInsensitiveKey = (name: string): string => name.toLowerCase();

function sortedBy(names: readonly string[], key: (n: string) => string): boolean {
    for (let i = 1; i < names.length; i++) if (key(names[i - 1] as string) > key(names[i] as string)) return false;
    return true;
}

/**
 * Adds `name` to the imports of `vastai.data.query`; undefined when the file already binds it under that name.
 * `analysis` must be the analysis of `lines.text`.
 */
export function queryImportEdit(analysis: FileAnalysis, name: string, lines: LineIndex): TextEdit | undefined {
    if (analysis.imports.queryNames[name] === name) return undefined;
    const site = analysis.importSite;
    const items = site?.queryImport?.names ?? [];
    const last = items[items.length - 1];
    if (!last) return newImportLine(site?.newImportLine ?? 0, `from ${QUERY_MODULE} import ${name}`, lines);
    const names = items.map((i) => i.name);
    const key = sortedBy(names, typeOrderKey)
        ? typeOrderKey
        : sortedBy(names, caseInsensitiveKey)
          ? caseInsensitiveKey
          : undefined;
    const k = key ? items.findIndex((i) => key(i.name) > key(name)) : -1;
    // One name per line (a parenthesized list): the new one gets its own line, indented like the others.
    const onePerLine =
        site?.queryImport?.parenthesized === true &&
        items.length > 1 &&
        new Set(items.map((i) => i.range.start.line)).size === items.length;
    const indent = onePerLine ? lines.indentOf(last.range.start.line) : '';
    const next = items[k];
    if (next) {
        return { range: at(next.range.start), newText: onePerLine ? `${name},${lines.eol}${indent}` : `${name}, ` };
    }
    return { range: at(last.range.end), newText: onePerLine ? `,${lines.eol}${indent}${name}` : `, ${name}` };
}

/** Inserts `code` as a whole line at `line` (past the end: a new last line). */
function newImportLine(line: number, code: string, lines: LineIndex): TextEdit {
    if (line < lines.lineCount) return { range: at({ line, character: 0 }), newText: `${code}${lines.eol}` };
    // After a last line with no line break.
    return { range: at(lines.positionAt(lines.text.length)), newText: `${lines.eol}${code}` };
}
