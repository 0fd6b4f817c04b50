/**
 * What the rules produce: problems with pure text-edit quick fixes. No LSP or vscode types here; the language server
 * converts these one to one.
 */
import type { Position, Range } from '../model';

/** Why Python would refuse a file's bytes (a NUL byte, invalid UTF-8), and where. */
export interface SourceBytesProblem {
    message: string;
    position: Position;
}

/** Severity of a problem, as LSP names them. */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A replacement of `range` by `newText` in the problem's file (an insertion when the range is empty). */
export interface TextEdit {
    range: Range;
    newText: string;
    /** The same edit as a snippet (tab stops over the sample values), for clients that insert snippets. */
    snippet?: string;
}

/** A quick fix: edits to the problem's own file, applied together. */
export interface Fix {
    title: string;
    kind: 'quickfix';
    isPreferred?: boolean;
    edits: TextEdit[];
}

/** A location that explains a problem (another benchmark, the deployment a foreign `@remote` uses...). */
export interface RelatedInfo {
    range: Range;
    /** Absent = the problem's own file. */
    uri?: string;
    message: string;
}

/** One diagnostic, source `vast`. */
export interface Problem {
    code: string;
    severity: Severity;
    message: string;
    range: Range;
    related?: RelatedInfo[];
    fixes?: Fix[];
}

/** What a path is on disk, as seen by the injected file-system probe. */
export type PathKind = 'file' | 'dir' | 'missing';

/** Everything `checkFile` needs beyond the analysis; file-system facts are injected so the rules stay pure. */
export interface FileRuleContext {
    /** The file's URI (`file:///...`), used for related information. */
    uri: string;
    /** The file's path (absolute, or workspace-relative); its base name seeds quick-fix names. */
    path: string;
    /** The file's folder relative to the workspace root (`''` at the root); for messages only. */
    relDir: string;
    /** The file's text, the one the analysis was made from (quick fixes need indentation and commas). */
    text: string;
    /**
     * The offsets where `text`'s lines start, split at `\n` only, when already known (an open document keeps them
     * up to date per edit); absent = computed when a rule needs them.
     */
    lineStarts?: readonly number[];
    /**
     * What `p` is, with `p` as written in `image.copy(src, ...)`: relative paths are relative to the file's folder
     * (where `python app.py` runs). Absent = copy sources are not checked.
     */
    statPath?: (p: string) => PathKind;
    /**
     * Files under directory `dir` (as written in the source), as paths relative to it with `/` separators, at most
     * `limit` of them (the implementation must stop walking there). Absent = copied directories are not searched.
     */
    listFiles?: (dir: string, limit: number) => string[];
    /**
     * Why Python would refuse the file's bytes (invalid UTF-8, a NUL byte), when the caller read them from disk;
     * absent = only the text is checked (a NUL character).
     */
    sourceProblem?: SourceBytesProblem;
}
