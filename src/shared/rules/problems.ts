/**
 * Building problems (default severities from the code table, sorted by position) and applying user settings to them:
 * per-code severity overrides (`off` drops) and `# vast: ignore[code]` comments.
 */
import type { Range } from '../model';
import { CODES, type Code } from './codes';
import type { SeverityOverride } from '../settings';
import type { Fix, Problem, RelatedInfo } from './types';

/** A problem with the code's default severity. */
export function problem(
    code: Code,
    message: string,
    range: Range,
    extra: { related?: RelatedInfo[]; fixes?: Fix[] } = {},
): Problem {
    const p: Problem = { code, severity: CODES[code].severity, message, range };
    if (extra.related && extra.related.length > 0) p.related = extra.related;
    if (extra.fixes && extra.fixes.length > 0) p.fixes = extra.fixes;
    return p;
}

/** Sorts problems by start position, then code (stable output for tests and clients). */
export function sortProblems(problems: Problem[]): Problem[] {
    return problems.sort(
        (a, b) =>
            a.range.start.line - b.range.start.line ||
            a.range.start.character - b.range.start.character ||
            a.code.localeCompare(b.code),
    );
}

/**
 * Applies `severity` overrides (by code) and the file's ignore comments (`FileAnalysis.ignores`: line -> codes, an
 * empty list ignores every code). A comment applies to problems starting on its line.
 */
export function applySettings(
    problems: readonly Problem[],
    severity: Readonly<Record<string, SeverityOverride>>,
    ignores: Readonly<Record<number, readonly string[]>> = {},
): Problem[] {
    const result: Problem[] = [];
    for (const p of problems) {
        const codes = ignores[p.range.start.line];
        if (codes && (codes.length === 0 || codes.includes(p.code))) continue;
        const override = Object.prototype.hasOwnProperty.call(severity, p.code) ? severity[p.code] : undefined;
        if (override === 'off') continue;
        result.push(override ? { ...p, severity: override } : p);
    }
    return result;
}
