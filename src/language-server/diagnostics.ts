// Problems (from the rules) to LSP diagnostics: source `vast`, code = rule code, related information, the user's
// severity overrides and ignore comments are applied before, by the rules' applySettings.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE } from '../shared/rules/codes';
import type { Problem, Severity } from '../shared/rules/types';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
    error: DiagnosticSeverity.Error,
    warning: DiagnosticSeverity.Warning,
    information: DiagnosticSeverity.Information,
    hint: DiagnosticSeverity.Hint,
};

/** One diagnostic for a problem of the file `uri`. */
export function toDiagnostic(p: Problem, uri: string): Diagnostic {
    const d: Diagnostic = {
        range: p.range,
        severity: SEVERITY[p.severity],
        source: DIAGNOSTIC_SOURCE,
        code: p.code,
        message: p.message,
    };
    if (p.related && p.related.length > 0) {
        d.relatedInformation = p.related.map((r) => ({
            location: { uri: r.uri ?? uri, range: r.range },
            message: r.message,
        }));
    }
    return d;
}

/** Problem counts by severity (for the deployments list). */
export function countProblems(problems: readonly Problem[]): { errors: number; warnings: number; information: number } {
    const c = { errors: 0, warnings: 0, information: 0 };
    for (const p of problems) {
        if (p.severity === 'error') c.errors++;
        else if (p.severity === 'warning') c.warnings++;
        else c.information++;
    }
    return c;
}
