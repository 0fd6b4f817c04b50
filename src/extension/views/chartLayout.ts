/**
 * Axis labels that never overlap: each label is centred on its tick when there is room, pushed aside just enough
 * when its neighbours are close (p95 and p100 are 5 % of the axis apart), kept inside the axis, and dropped (lowest
 * priority first) only when the axis cannot hold them all. Pure: widths are estimated from the text, in the same
 * units as the positions (the SVG's viewBox), so the result holds at any zoom.
 */

export interface AxisLabel {
    text: string;
    /** The tick's position. */
    x: number;
    /** Higher stays longer when not all fit (default 0). */
    priority?: number;
}

export interface PlacedLabel {
    text: string;
    /** The tick's position (where a tick mark goes). */
    tick: number;
    /** The label's centre. */
    x: number;
    width: number;
}

export interface AxisBounds {
    min: number;
    max: number;
    /** Estimated width of one character (11 px sans-serif: about 6.5; 7 leaves a margin). */
    charWidth?: number;
    /** Least space between two labels. */
    gap?: number;
}

/** Estimated rendered width of a label. */
export function labelWidth(text: string, charWidth = 7): number {
    return text.length * charWidth;
}

/** Places the labels (see the module comment); the result is sorted by tick and free of overlaps. */
export function placeAxisLabels(labels: readonly AxisLabel[], bounds: AxisBounds): PlacedLabel[] {
    const charWidth = bounds.charWidth ?? 7;
    const gap = bounds.gap ?? 6;
    let kept = [...labels].sort((a, b) => a.x - b.x);
    for (;;) {
        const placed = tryPlace(kept, bounds.min, bounds.max, charWidth, gap);
        if (placed) return placed;
        // Too many for the axis: drop the least important (the last of equals), then try again.
        let drop = 0;
        for (let i = 1; i < kept.length; i++) {
            if ((kept[i]!.priority ?? 0) <= (kept[drop]!.priority ?? 0)) drop = i;
        }
        kept = kept.filter((_, i) => i !== drop);
    }
}

function tryPlace(
    labels: readonly AxisLabel[],
    min: number,
    max: number,
    charWidth: number,
    gap: number,
): PlacedLabel[] | undefined {
    const out = labels.map((l) => {
        const width = labelWidth(l.text, charWidth);
        return { text: l.text, tick: l.x, width, x: Math.min(Math.max(l.x, min + width / 2), max - width / 2) };
    });
    const total = out.reduce((a, l) => a + l.width, 0) + gap * Math.max(0, out.length - 1);
    if (total > max - min) return undefined;
    // Push right past the left neighbour, then back left inside the axis and past the right neighbour. Since the
    // labels fit in total, the two passes leave every pair apart and every label inside.
    for (let i = 1; i < out.length; i++) {
        const a = out[i - 1]!;
        const b = out[i]!;
        b.x = Math.max(b.x, a.x + a.width / 2 + gap + b.width / 2);
    }
    for (let i = out.length - 1; i >= 0; i--) {
        const b = out[i]!;
        b.x = Math.min(b.x, max - b.width / 2);
        const next = out[i + 1];
        if (next) b.x = Math.min(b.x, next.x - next.width / 2 - gap - b.width / 2);
    }
    return out;
}
