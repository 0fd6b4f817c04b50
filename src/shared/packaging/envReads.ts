/**
 * The environment variables a deployment file read while being evaluated (the SDK reads them on the user's machine
 * at deploy time), as the Deploy plan lists them: values of secret-looking names masked.
 */

export interface EnvReadShown {
    name: string;
    /** The value, `"(unset)"`, or a mask for secret-looking names. */
    shown: string;
    secret: boolean;
    /** False when the variable is not set (the default applied, or `os.environ[...]` raised KeyError). */
    set: boolean;
}

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASS|PWD|CREDENTIAL|AUTH|PRIVATE|SESSION|COOKIE|SIGNATURE)/i;

/** True for names whose values must never be shown (`HF_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`...). */
export function looksSecretName(name: string): boolean {
    return SECRET_NAME.test(name);
}

export function showEnvReads(reads: readonly { name: string; value?: string }[]): EnvReadShown[] {
    return reads.map((r) => {
        const secret = looksSecretName(r.name);
        const shown =
            r.value === undefined
                ? '(unset)'
                : secret
                  ? `•••• (${r.value.length} character${r.value.length === 1 ? '' : 's'})`
                  : r.value;
        return { name: r.name, shown, secret, set: r.value !== undefined };
    });
}

const SHOWN_VALUE_CHARS = 80;

/**
 * The plan's lines for the variables a deployment read (`source` says where from), or none when it read none. A long
 * value is cut; one with control characters or edge spaces is quoted so what was read is what is seen.
 */
export function envReadLines(reads: readonly EnvReadShown[], source: string): string[] {
    if (reads.length === 0) return [];
    const lines = [`Environment variables read (${source}):`];
    for (const r of reads) {
        let shown = r.shown;
        if (!r.secret && r.set) {
            const cut = shown.length > SHOWN_VALUE_CHARS ? `${shown.slice(0, SHOWN_VALUE_CHARS)}…` : shown;
            // eslint-disable-next-line no-control-regex
            shown = /[\u0000-\u001f\u007f]|^\s|\s$|^$/.test(cut) ? JSON.stringify(cut) : cut;
            if (cut !== r.shown) shown += ` (${r.shown.length} characters)`;
        }
        lines.push(`\u2022 ${r.name}${!r.set ? ' (unset)' : ` = ${shown}`}`);
    }
    return lines;
}
