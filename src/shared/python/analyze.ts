/**
 * Entry points of the Python analysis: `initPython()` once, then `analyzePython(text)` (a fresh parse) or a
 * `PythonDocument` (incremental, for the language server). Both return the `FileAnalysis` model of `../model`.
 */
import type { FileAnalysis } from '../model';
import { analyzeTree } from './analyzeTree';
import { parsePython } from './parser';

export { initPython, isPythonReady, PythonNotInitializedError, WasmNotFoundError } from './parser';
export { PythonDocument, type ContentChange } from './document';
export { analyzeTree, emptyAnalysis } from './analyzeTree';

/**
 * Analyses Python source text: every deployment that can be read, even mid-edit. Never throws; before
 * `initPython()` resolves it throws `PythonNotInitializedError`, the one programming error it reports.
 */
export function analyzePython(text: string): FileAnalysis {
    const tree = parsePython(text);
    try {
        return analyzeTree(text, tree);
    } finally {
        tree.delete();
    }
}
