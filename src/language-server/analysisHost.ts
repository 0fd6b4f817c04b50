// The one door to the analysis core and the rules. Everything here is total: an exception in the analysis or the
// rules is logged and turned into an empty result, so a crash never crosses the protocol.
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { FileAnalysis } from '../shared/model';
import {
    analyzeBounded,
    ANALYSIS_BUDGET_MS,
    emptyAnalysis,
    initPython,
    MAX_ANALYSED_CHARS,
    PythonDocument,
} from '../shared/python/analyze';
import { checkFile, checkWorkspace, type FileRuleContext, type Problem, type WorkspaceFile } from '../shared/rules';
import { FileSystemProbe } from './fsProbe';

export class AnalysisHost {
    /** File-system facts for the rules (copy sources, copied folders), with the folder-listing cache. */
    readonly fs = new FileSystemProbe();
    private readyPromise: Promise<boolean> | undefined;

    constructor(
        private readonly log: (m: string) => void,
        /** Time one analysis may take (tests lower it). */
        readonly budgetMs = ANALYSIS_BUDGET_MS,
    ) {}

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
    private current: FileAnalysis | undefined;

    constructor(
        private text: string,
        private readonly label: string,
        private readonly host: AnalysisHost,
    ) {
        this.open(text);
    }

    /** Starts incremental parsing of `text`, unless it is too large to analyse (then each analysis says so). */
    private open(text: string): void {
        if (text.length > MAX_ANALYSED_CHARS) return;
        try {
            this.doc = new PythonDocument(text);
        } catch (err) {
            this.host.logError(`Incremental parsing of ${this.label} unavailable`, err);
        }
    }

    /** Applies LSP content changes (in order); `newText` is the document text after all of them. */
    update(changes: readonly TextDocumentContentChangeEvent[], newText: string): void {
        this.text = newText;
        this.current = undefined;
        if (newText.length > MAX_ANALYSED_CHARS) {
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
            this.host.logError(`Incremental update of ${this.label} failed; re-parsing`, err);
            this.dispose();
        }
    }

    /** The analysis of the current text (computed lazily, once per version). */
    analysis(): FileAnalysis {
        if (this.current) return this.current;
        if (this.doc) {
            try {
                this.current = this.doc.analyze(this.host.budgetMs);
                return this.current;
            } catch (err) {
                this.host.logError(`Incremental analysis of ${this.label} failed; re-parsing`, err);
                this.dispose();
            }
        }
        this.current = this.host.analyze(this.text, this.label);
        return this.current;
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
