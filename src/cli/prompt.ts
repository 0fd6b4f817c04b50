/** Yes/no questions on a terminal; without one, the caller must pass --yes. */
import * as readline from 'node:readline';

/** Asks on stderr/stdin; resolves false on anything but y/yes. */
export async function confirm(question: string, signal: AbortSignal): Promise<boolean> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    try {
        const answer = await new Promise<string>((resolve, reject) => {
            rl.question(`${question} [y/N] `, { signal }, resolve);
            signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
        });
        return /^y(es)?$/i.test(answer.trim());
    } finally {
        rl.close();
    }
}

export function isInteractive(): boolean {
    return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}
