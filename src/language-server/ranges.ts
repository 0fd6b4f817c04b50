// Small helpers over the model's 0-based LSP ranges.
import type { Position, Range } from '../shared/model';

/** True when `pos` lies within `range` (end inclusive, so a cursor right after a word still hits it). */
export function contains(range: Range, pos: Position): boolean {
    return !before(pos, range.start) && !before(range.end, pos);
}

/** True when `a` is strictly before `b`. */
export function before(a: Position, b: Position): boolean {
    return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** True when the two ranges share at least one position. */
export function overlaps(a: Range, b: Range): boolean {
    return !before(a.end, b.start) && !before(b.end, a.start);
}

/** True when `inner` is inside `outer`. */
export function within(outer: Range, inner: Range): boolean {
    return contains(outer, inner.start) && contains(outer, inner.end);
}

export function sameRange(a: Range, b: Range): boolean {
    return (
        a.start.line === b.start.line &&
        a.start.character === b.start.character &&
        a.end.line === b.end.line &&
        a.end.character === b.end.character
    );
}
