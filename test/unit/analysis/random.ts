/** A small seeded PRNG (mulberry32) so property tests are reproducible. */
export interface Random {
    int(maxExclusive: number): number;
    pick<T>(items: readonly T[]): T;
    garbage(length: number): string;
}

const ALPHABET = [
    ...'abcxyz_019 \t\n\n()[]{}:,.=+-*/#@"\'\\',
    'é',
    'ö',
    '中',
    '😀',
    '\r\n',
    '\0',
    'vastai',
    'Deployment(',
    'app.',
    'image(',
    'async def ',
    '"""',
];

export function random(seed: number): Random {
    let s = seed >>> 0;
    const next = (): number => {
        s = (s + 0x6d2b79f5) >>> 0;
        let t = s;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (max: number): number => Math.floor(next() * max);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
    return {
        int,
        pick,
        garbage: (length) => Array.from({ length }, () => pick(ALPHABET)).join(''),
    };
}
