/**
 * Bounds on analysing one file in the editor: a size above which it is not parsed at all, and a time budget after
 * which the analysis stops. Either way the file gets one clear diagnostic (`not-analysed`), never silence.
 */
import type { FileAnalysis } from '../model';
import { emptyAnalysis } from './analyzeTree';

/** Characters above which an open document or indexed file is not analysed (hand-written deployments are far smaller). */
export const MAX_ANALYSED_CHARS = 2_000_000;
/** Milliseconds one analysis may take in the language server before it gives up. */
export const ANALYSIS_BUDGET_MS = 1000;

/** The reason for a file over `MAX_ANALYSED_CHARS`. */
export function tooLarge(chars: number): string {
    return (
        `This file is not analysed: it has ${(chars / 1e6).toFixed(1)} million characters, over the ` +
        `${MAX_ANALYSED_CHARS / 1e6} million that Vast Deployments reads in the editor.`
    );
}

/** The reason for an analysis that ran out of time. */
export function overBudget(budgetMs: number): string {
    return (
        `This file is not analysed: reading it took longer than ${budgetMs} ms (deeply nested code?), so ` +
        'its deployments are not shown. `vast-deployments check` reads it without a time limit.'
    );
}

/** An empty analysis that says why it is empty. */
export function notAnalysed(text: string, reason: string): FileAnalysis {
    return { ...emptyAnalysis(text.includes('vastai')), notAnalysed: reason };
}
