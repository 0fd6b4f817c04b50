/**
 * Where an import of a `vastai.data.query` name goes (completion and the `undefined-name` fix add one): the file's
 * module-level `from vastai.data.query import ...`, or the line after its last module-level import.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportSite, Range } from '../model';
import { QUERY_MODULE } from './imports';
import { namedChildren, parentOf, rangeOf, type SourceIndex } from './nodes';

const IMPORT_STATEMENTS = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

/** Reads the import site; the string scan for `import` keeps it proportional to the number of imports. */
export function readImportSite(index: SourceIndex): ImportSite {
    const site: ImportSite = { newImportLine: -1 };
    for (const at of index.occurrences('import')) {
        const keyword = index.nodeAt(at, at + 'import'.length);
        if (keyword?.type !== 'import') continue;
        const stmt = parentOf(keyword);
        if (!stmt || !IMPORT_STATEMENTS.has(stmt.type) || parentOf(stmt)?.type !== 'module') continue;
        site.newImportLine = stmt.endPosition.row + 1;
        if (!site.queryImport && stmt.type === 'import_from_statement') {
            const names = queryImportNames(stmt);
            if (names) site.queryImport = { names, parenthesized: stmt.children.some((c) => c?.type === '(') };
        }
    }
    if (site.newImportLine < 0) site.newImportLine = headerEnd(index);
    return site;
}

/** The names of `from vastai.data.query import a, b as c` (as written, aliases aside); undefined for others or `*`. */
function queryImportNames(stmt: Node): { name: string; range: Range }[] | undefined {
    const moduleNode = stmt.childForFieldName('module_name');
    if (moduleNode?.text.replace(/\s+/g, '') !== QUERY_MODULE) return undefined;
    const names: { name: string; range: Range }[] = [];
    for (const item of namedChildren(stmt)) {
        if (item.startIndex < moduleNode.endIndex) continue;
        if (item.type === 'wildcard_import') return undefined;
        if (item.type === 'dotted_name' || item.type === 'aliased_import') {
            const name = item.type === 'dotted_name' ? item.text : item.childForFieldName('name')?.text;
            if (name) names.push({ name, range: rangeOf(item) });
        }
    }
    return names.length > 0 ? names : undefined;
}

/** The line after a module docstring and the comments that open the file (shebang, encoding, licence). */
function headerEnd(index: SourceIndex): number {
    let first = index.tree.rootNode.firstNamedChild;
    while (first?.type === 'comment') first = first.nextNamedSibling;
    if (first?.type === 'expression_statement' && namedChildren(first)[0]?.type === 'string') {
        return first.endPosition.row + 1;
    }
    const lines = index.text.split('\n', 200);
    let line = 0;
    while (line < lines.length && /^\s*#/.test(lines[line] ?? '')) line++;
    return line;
}
