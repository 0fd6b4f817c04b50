/**
 * Fault injection (off unless asked): each rule matches calls by path prefix (and method) and applies to the next
 * `times` of them: answer a status, wait, drop the connection, or answer malformed JSON.
 */

export interface FaultRule {
    /** Path prefix, e.g. `/route/`, `/api/v0/deployments/`, `/__s3/` (the upload). */
    path: string;
    method?: string;
    /** How many matching calls to affect (default 1). */
    times?: number;
    /** Answer this status (with a JSON error body) instead of handling the call. */
    status?: number;
    /** Wait this long before answering (combined with the others, or alone to just slow the call). */
    delayMs?: number;
    /** Close the socket without an answer. */
    drop?: boolean;
    /** Answer 200 with a body that is not valid JSON. */
    malformed?: boolean;
}

interface ActiveRule extends FaultRule {
    remaining: number;
}

export class Faults {
    private rules: ActiveRule[] = [];

    add(rule: FaultRule): void {
        if (typeof rule.path !== 'string' || !rule.path.startsWith('/')) {
            throw new TypeError('fault path must start with /');
        }
        this.rules.push({ ...rule, remaining: rule.times ?? 1 });
    }

    clear(): void {
        this.rules = [];
    }

    list(): FaultRule[] {
        return this.rules.map((r) => ({ ...r, times: r.remaining }));
    }

    /** The rule that applies to this call (consuming one use), if any. */
    take(method: string, path: string): FaultRule | undefined {
        const i = this.rules.findIndex(
            (r) => r.remaining > 0 && path.startsWith(r.path) && (!r.method || r.method.toUpperCase() === method),
        );
        if (i < 0) return undefined;
        const rule = this.rules[i]!;
        rule.remaining--;
        if (rule.remaining <= 0) this.rules.splice(i, 1);
        return rule;
    }
}

/** Validates an admin API body into a rule. */
export function parseFaultRule(body: Record<string, unknown>): FaultRule | string {
    const { path, method, times, status, delay_ms, drop, malformed } = body;
    if (typeof path !== 'string' || !path.startsWith('/')) return 'path (string starting with /) is required';
    if (method !== undefined && typeof method !== 'string') return 'method must be a string';
    for (const [k, v] of Object.entries({ times, status, delay_ms })) {
        if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
            return `${k} must be an integer >= 0`;
        }
    }
    if (drop !== undefined && typeof drop !== 'boolean') return 'drop must be a boolean';
    if (malformed !== undefined && typeof malformed !== 'boolean') return 'malformed must be a boolean';
    if (status === undefined && delay_ms === undefined && !drop && !malformed) {
        return 'give at least one of status, delay_ms, drop, malformed';
    }
    return {
        path,
        method: method as string | undefined,
        times: times as number | undefined,
        status: status as number | undefined,
        delayMs: delay_ms as number | undefined,
        drop: drop as boolean | undefined,
        malformed: malformed as boolean | undefined,
    };
}
