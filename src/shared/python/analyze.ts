/**
 * Entry points of the Python analysis: `initPython()` once, then `analyzePython(text)` (a fresh parse) or a
 * `PythonDocument` (incremental, for the language server). Both return the `FileAnalysis` model of `../model`.
 */
import type { FileAnalysis } from '../model';
import { analyzeIndexed, analyzeTree, type AnalyzeOptions } from './analyzeTree';
import { MAX_ANALYSED_CHARS, notAnalysed, overBudget, tooLarge } from './limits';
import { AnalysisBudgetError, SourceIndex } from './nodes';
import { parsePython, ParseBudgetError } from './parser';
import type { Tree } from 'web-tree-sitter';

export { initPython, isPythonReady, ParseBudgetError, PythonNotInitializedError, WasmNotFoundError } from './parser';
export { PythonDocument, type ContentChange } from './document';
export { analyzeTree, emptyAnalysis, type AnalyzeOptions } from './analyzeTree';
export {
    ANALYSIS_BUDGET_MS,
    INLINE_BUDGET_MS,
    MAX_ANALYSED_CHARS,
    MAX_INLINE_CHARS,
    notAnalysed,
    overBudget,
} from './limits';

/**
 * Analyses Python source text: every deployment that can be read, even mid-edit. Never throws; before
 * `initPython()` resolves it throws `PythonNotInitializedError`, the one programming error it reports.
 */
export function analyzePython(text: string, options: AnalyzeOptions = {}): FileAnalysis {
    const tree = parsePython(text);
    try {
        return analyzeTree(text, tree, options);
    } finally {
        tree.delete();
    }
}

/**
 * `analyzePython` within the editor's bounds: a text over `MAX_ANALYSED_CHARS` is not parsed, and an analysis past
 * `budgetMs` stops; both give an empty analysis whose `notAnalysed` says why.
 */
export function analyzeBounded(text: string, budgetMs: number): FileAnalysis {
    return analyzeWithin(text, budgetMs) ?? notAnalysed(text, overBudget(budgetMs));
}

/**
 * `analyzeBounded`, but undefined when the analysis runs past `budgetMs` (the caller decides what happens next).
 * `boundParse`: the parse counts against the budget too (the language server's event loop).
 */
export function analyzeWithin(text: string, budgetMs: number, boundParse = false): FileAnalysis | undefined {
    if (text.length > MAX_ANALYSED_CHARS) return notAnalysed(text, tooLarge(text.length));
    let tree: Tree;
    try {
        tree = parsePython(text, undefined, boundParse ? budgetMs : undefined);
    } catch (err) {
        if (err instanceof ParseBudgetError) return undefined;
        throw err;
    }
    try {
        const index = new SourceIndex(text, tree);
        index.limitTime(budgetMs);
        return analyzeIndexed(index);
    } catch (err) {
        if (err instanceof AnalysisBudgetError) return undefined;
        throw err;
    } finally {
        tree.delete();
    }
}
