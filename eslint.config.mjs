// Lint for the TypeScript sources (`npm run lint`, run by `npm test`); formatting is prettier's (package.json).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    { ignores: ['dist/**', 'node_modules/**', 'bin/**', '**/*.js', '**/*.mjs'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    prettier,
    {
        rules: {
            // Unused names are errors, except a leading underscore that says "deliberately unused".
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
            // Payloads from platforms and test fixtures are untyped JSON; `any` is allowed where it is read, and
            // reviewed there.
            '@typescript-eslint/no-explicit-any': 'off',
            // Control characters are matched on purpose: stripped from user text, CSV cells and terminal output.
            'no-control-regex': 'off',
        },
    },
);
