/**
 * Deepest nesting of arrays and objects accepted in a parsed request body. Real webhook payloads nest about ten
 * levels and activities a few more; anything far deeper is an attack, and JSON.stringify, String() and the logger
 * recurse, so it would overflow the stack somewhere after the request was accepted.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether parsed JSON nests arrays and objects more than `limit` levels deep (a bare object or array is one level).
 * Iterative, so a body of 100,000 levels is checked without recursion.
 */
export function nestedDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
    const stack: Array<{ node: unknown; level: number }> = [{ node: value, level: 1 }];
    while (stack.length > 0) {
        const { node, level } = stack.pop()!;
        if (node === null || typeof node !== 'object') continue;
        if (level > limit) return true;
        for (const child of Array.isArray(node) ? node : Object.values(node)) {
            if (child !== null && typeof child === 'object') stack.push({ node: child, level: level + 1 });
        }
    }
    return false;
}
