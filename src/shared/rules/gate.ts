/**
 * The refusal gate before packaging, shared by the CLI (`package`, `deploy`) and the editor's Deploy: every
 * error-level finding of the rules means the SDK refuses the deployment or its workers fail (the code table says
 * which and why), so none of them is packaged. It runs over the raw findings, before `# vast: ignore[...]` and
 * severity settings: those may quiet the editor, never make Deploy send a file the SDK or a worker would reject.
 */
import type { Problem } from './types';

/** The findings that stop packaging, in file order. */
export function packagingRefusals(raw: readonly Problem[]): Problem[] {
    return raw.filter((p) => p.severity === 'error');
}

/** One line per refusal: `file:line:col: message [code]`, plus why an ignore comment on that line changed nothing. */
export function refusalLines(file: string, refusals: readonly Problem[], ignores: Record<number, string[]>): string[] {
    return refusals.map((p) => {
        const at = `${file}:${p.range.start.line + 1}:${p.range.start.character + 1}`;
        const codes = ignores[p.range.start.line];
        const ignored = codes !== undefined && (codes.length === 0 || codes.includes(p.code));
        const note = ignored
            ? ' (the ignore comment quiets the editor only: the SDK or a worker would refuse this)'
            : '';
        return `${at}: ${p.message} [${p.code}]${note}`;
    });
}
