// The one door to the analysis core and the rules. Everything here is total: an exception in the analysis or the
// rules is logged and turned into an empty result, so a crash never crosses the protocol.
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { FileAnalysis } from '../shared/model';
import {
    analyzeBounded,
    analyzeWithin,
    ANALYSIS_BUDGET_MS,
    emptyAnalysis,
    initPython,
    INLINE_BUDGET_MS,
    MAX_ANALYSED_CHARS,
    MAX_INLINE_CHARS,
    notAnalysed,
    overBudget,
    ParseBudgetError,
    PythonDocument,
} from '../shared/python/analyze';
import { checkFile, checkWorkspace, type FileRuleContext, type Problem, type WorkspaceFile } from '../shared/rules';
import { FileSystemProbe } from './fsProbe';
import { OffThreadAnalyser, type OffThreadResult } from './offThread';

/** When an analysis stays on the event loop (see MAX_INLINE_CHARS); tests lower them. */
export interface InlineLimits {
    budgetMs: number;
    maxChars: number;
}

export class AnalysisHost {
    /** File-system facts for the rules (copy sources, copied folders), with the folder-listing cache. */
    readonly fs = new FileSystemProbe();
    private readyPromise: Promise<boolean> | undefined;

    /** Documents too large or too slow for the event loop are analysed here. */
    private readonly worker: OffThreadAnalyser;
    /** Called with a file's key when its analysis arrived from the worker (the publisher re-diagnoses it). */
    onAnalysed: (key: string) => void = () => undefined;
    private disposed = false;

    constructor(
        private readonly log: (m: string) => void,
        /** Time one analysis may take (tests lower it). */
        readonly budgetMs = ANALYSIS_BUDGET_MS,
        readonly inline: InlineLimits = { budgetMs: INLINE_BUDGET_MS, maxChars: MAX_INLINE_CHARS },
    ) {
        this.worker = new OffThreadAnalyser(log);
    }

    /** Loads the parser; resolves false (logged) when it cannot be loaded. */
    ready(): Promise<boolean> {
        this.readyPromise ??= initPython().then(
            () => true,
            (err: unknown) => {
                this.log(`Python parser failed to load: ${errorText(err)}`);
                return false;
            },
        );
        return this.readyPromise;
    }

    /** A file's analysis within the editor's bounds (size, time: see `analyzeBounded`). */
    analyze(text: string, label: string): FileAnalysis {
        try {
            return analyzeBounded(text, this.budgetMs);
        } catch (err) {
            this.log(`Analysis of ${label} failed: ${errorText(err)}`);
            return emptyAnalysis();
        }
    }

    /**
     * A file's analysis if it can be done on the event loop: undefined when the text is over the inline size or the
     * analysis over the inline budget (then `analyzeOffThread`).
     */
    analyzeInline(text: string, label: string): FileAnalysis | undefined {
        if (text.length > MAX_ANALYSED_CHARS) return this.analyze(text, label);
        if (text.length > this.inline.maxChars) return undefined;
        try {
            return this.withinInlineBudget(text, (ms) => analyzeWithin(text, ms, true));
        } catch (err) {
            this.log(`Analysis of ${label} failed: ${errorText(err)}`);
            return emptyAnalysis();
        }
    }

    /**
     * Runs `analyse` with the inline budget; past it, the full budget's answer when that is no longer (the file is
     * not analysed), else undefined (the worker takes over with the full budget).
     */
    withinInlineBudget(
        text: string,
        analyse: (budgetMs: number) => FileAnalysis | undefined,
    ): FileAnalysis | undefined {
        const budget = Math.min(this.inline.budgetMs, this.budgetMs);
        const a = analyse(budget);
        if (a || budget < this.budgetMs) return a;
        return notAnalysed(text, overBudget(this.budgetMs));
    }

    /** A file's analysis in the worker thread; on the event loop after all when the worker cannot run. Never rejects. */
    async analyzeOffThread(text: string, label: string): Promise<OffThreadResult> {
        try {
            return await this.worker.analyze(text, this.budgetMs);
        } catch (err) {
            // Shutting down: nobody waits for this analysis any more.
            if (this.disposed) return { analysis: emptyAnalysis(text.includes('vastai')), ms: 0 };
            this.log(`Analysis of ${label} in a worker thread failed; analysing it here: ${errorText(err)}`);
            const started = performance.now();
            return { analysis: this.analyze(text, label), ms: performance.now() - started };
        }
    }

    /** Stops the worker thread. */
    dispose(): void {
        this.disposed = true;
        this.worker.dispose();
    }

    /** An incrementally parsed document (falls back to full analysis when incremental parsing fails). */
    openDocument(text: string, label: string): IncrementalDocument {
        return new IncrementalDocument(text, label, this);
    }

    checkFile(analysis: FileAnalysis, ctx: FileRuleContext): Problem[] {
        try {
            return checkFile(analysis, ctx);
        } catch (err) {
            this.log(`Rules failed on ${ctx.uri}: ${errorText(err)}`);
            return [];
        }
    }

    /** Workspace-level problems (duplicate-deployment, remote-in-multiple-files), by file URI. */
    checkWorkspace(files: WorkspaceFile[]): Map<string, Problem[]> {
        try {
            return checkWorkspace(files);
        } catch (err) {
            this.log(`Workspace rules failed: ${errorText(err)}`);
            return new Map();
        }
    }

    /** @internal */
    logError(what: string, err: unknown): void {
        this.log(`${what}: ${errorText(err)}`);
    }
}

/**
 * An open document's analysis, updated from LSP content changes. Falls back to a full re-analysis when the
 * incremental path throws, and to an empty analysis when that throws too.
 */
export class IncrementalDocument {
    private doc: PythonDocument | undefined;
    /** True while the document is analysed in the worker: nothing is parsed here then. */
    private detached = false;
    /** True when parsing it took longer than the inline budget (see `limits.ts`): the worker must take it. */
    private slowParse = false;

    constructor(
        private text: string,
        private readonly label: string,
        private readonly host: AnalysisHost,
    ) {
        this.open(text);
    }

    /** Starts incremental parsing of `text`, unless it is too large for the event loop (see `AnalysisHost.inline`). */
    private open(text: string): void {
        if (this.detached || text.length > this.host.inline.maxChars) return;
        try {
            this.doc = new PythonDocument(text, this.host.inline.budgetMs);
        } catch (err) {
            if (err instanceof ParseBudgetError) this.slowParse = true;
            else this.host.logError(`Incremental parsing of ${this.label} unavailable`, err);
        }
    }

    /** Applies LSP content changes (in order); `newText` is the document text after all of them. */
    update(changes: readonly TextDocumentContentChangeEvent[], newText: string): void {
        this.text = newText;
        if (this.detached) return;
        if (newText.length > this.host.inline.maxChars) {
            this.dispose();
            return;
        }
        if (!this.doc) {
            // Back under the size limit (or parsing failed before): start again from the full text.
            this.open(newText);
            return;
        }
        try {
            this.doc.update(changes, newText);
            // The LSP text is the truth: if the parsed copy ever differs (clamping rules, a change applied
            // differently), parse the full text again rather than analyse a document the user does not see.
            if (this.doc.text !== newText) {
                this.host.logError(`Incremental update of ${this.label}`, new Error('out of sync; re-parsing'));
                this.doc.update([{ text: newText }]);
            }
        } catch (err) {
            if (err instanceof ParseBudgetError) this.slowParse = true;
            else this.host.logError(`Incremental update of ${this.label} failed; re-parsing`, err);
            this.dispose();
        }
    }

    /**
     * The analysis of the current text when it can be done on the event loop (see `AnalysisHost.analyzeInline`);
     * undefined when the worker must do it.
     */
    analysisInline(): FileAnalysis | undefined {
        if (this.detached || this.slowParse) return undefined;
        if (this.doc) {
            const doc = this.doc;
            try {
                return this.host.withinInlineBudget(this.text, (ms) => doc.analyzeWithin(ms));
            } catch (err) {
                this.host.logError(`Incremental analysis of ${this.label} failed; re-parsing`, err);
                this.dispose();
            }
        }
        return this.host.analyzeInline(this.text, this.label);
    }

    /** Stops parsing here: the worker analyses the document (too large or too slow for the event loop). */
    detach(): void {
        this.dispose();
        this.detached = true;
    }

    /** Parses here again (from the next change or analysis on): the document became quick to analyse. */
    attach(): void {
        this.detached = false;
        this.slowParse = false;
    }

    /**
     * The `\n` line starts of `text` when the parsed document holds exactly that text (saves the rules a scan of the
     * whole file per keystroke); undefined otherwise.
     */
    lineStartsOf(text: string): readonly number[] | undefined {
        return this.doc && this.doc.text === text ? this.doc.newlineStarts() : undefined;
    }

    dispose(): void {
        try {
            this.doc?.dispose();
        } catch {
            // Freeing wasm memory of a broken tree: nothing more to do.
        }
        this.doc = undefined;
    }
}

export function errorText(err: unknown): string {
    return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
