/** `# vast: ignore[...]` comments and the syntax errors tree-sitter recovered from. */
import type { Node } from 'web-tree-sitter';
import type { Range } from '../model';
import { rangeOf, type SourceIndex } from './nodes';

/** `# vast: ignore` or `# vast: ignore[a, b]`, anywhere in a comment (`# noqa  # vast: ignore[x]`). */
const IGNORE = /#\s*vast\s*:\s*ignore(?:\[([^\]]*)\])?(?![\w[])/g;

/**
 * Line -> codes for every `# vast: ignore[code, ...]` comment (empty list: every code). Candidates come from a
 * string scan; the tree confirms each is a real comment, not text inside a string.
 */
export function readIgnores(index: SourceIndex): Record<number, string[]> {
    const out: Record<number, string[]> = {};
    const seen = new Set<number>();
    for (const at of index.occurrences('vast')) {
        const node = index.nodeAt(at, at + 4);
        if (!node || node.type !== 'comment' || seen.has(node.id)) continue;
        seen.add(node.id);
        const line = node.startPosition.row;
        for (const match of node.text.matchAll(IGNORE)) {
            const codes =
                match[1] === undefined
                    ? []
                    : match[1]
                          .split(',')
                          .map((c) => c.trim())
                          .filter((c) => c !== '');
            // A bare ignore wins over a list on the same line; lists on the same line merge.
            const prev = out[line];
            out[line] =
                prev !== undefined && (prev.length === 0 || codes.length === 0) ? [] : [...(prev ?? []), ...codes];
        }
    }
    return out;
}

const MAX_ERRORS = 100;

/**
 * Ranges of ERROR and MISSING nodes, visiting only subtrees that contain errors. Each child is asked `hasError`
 * first, and only one that has an error is asked whether it is the ERROR or MISSING node itself: every such
 * property is a call into wasm, and the module's children of a long file number in the thousands (tree-sitter
 * counts an ERROR or MISSING node in its own error cost, which is what `hasError` reads, so none is skipped).
 */
export function readSyntaxErrors(root: Node): Range[] {
    const out: Range[] = [];
    if (!root.hasError) return out;
    const visit = (node: Node): void => {
        for (const child of node.children) {
            if (!child || out.length >= MAX_ERRORS) return;
            if (!child.hasError) continue;
            if (child.isError || child.isMissing) out.push(rangeOf(child));
            else visit(child);
        }
    };
    if (root.isError) out.push(rangeOf(root));
    else visit(root);
    return out;
}
