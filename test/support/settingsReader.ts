import { SettingsReader } from '../../adapters/shared/ChannelDescriptor';

/**
 * A channel descriptor's view of `env` as tests give it: every required secret comes from `env` (or `set` when
 * `env` lacks it), other values from `env` or their default, and a configuration problem throws.
 */
export function settingsReader(env: Record<string, string> = {}): SettingsReader {
    return {
        required: (_label, names) => Object.fromEntries(names.map((name) => [name, env[name] ?? 'set'])),
        text: (name, fallback = '') => env[name] ?? fallback,
        integer: (name, fallback) => (env[name] === undefined ? fallback : Number(env[name])),
        url: (name, fallback) => env[name] ?? fallback,
        problem: (message) => {
            throw new Error(message);
        },
    };
}
