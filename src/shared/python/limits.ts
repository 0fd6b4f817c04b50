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
/**
 * The language server analyses a document on its event loop only while that stays short: a text over
 * `MAX_INLINE_CHARS` (its first parse alone takes a few hundred ms), or an analysis still running after
 * `INLINE_BUDGET_MS`, moves to a worker thread, so requests keep being answered meanwhile. A keystroke in a
 * 10,000-line file costs a few ms inline; sending it to a thread would cost more than that.
 */
export const MAX_INLINE_CHARS = 500_000;
export const INLINE_BUDGET_MS = 300;

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
