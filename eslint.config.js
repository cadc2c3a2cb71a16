// Lint: typescript-eslint's recommended rules, plus the process boundaries as rules:
// only the Electron entry and the preload may import Electron, and the renderer may not
// import Node built-ins or main-side code.
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

// Text that people or libraries wrote, not a protocol's tokens: an Error's message, a library's
// `response`, a diagnosis's `serverSays` or `detail`.
const TEXT = '/^(message|response|serverSays|detail)$/'
const MESSAGE_TEXT = [
  {
    selector: `CallExpression[callee.property.name=/^(test|exec|search)$/][callee.object.regex] MemberExpression[property.name=${TEXT}]`,
    message: 'Match error or server text only in src/main/diagnosis/; elsewhere use the diagnosis code.'
  },
  {
    selector: `CallExpression[callee.property.name=/^(includes|startsWith|endsWith|match|matchAll|search|indexOf)$/][callee.object.property.name=${TEXT}]`,
    message: 'Match error or server text only in src/main/diagnosis/; elsewhere use the diagnosis code.'
  },
  {
    selector: `BinaryExpression[operator=/^[!=]==?$/][right.type='Literal'] > MemberExpression.left[property.name=${TEXT}]`,
    message: 'Compare error or server text only in src/main/diagnosis/; elsewhere use the diagnosis code.'
  }
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.bench-tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Prettier wraps code at 120; long string and template literals stay whole so they can be found.
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only src/main/index.ts and src/preload may import Electron; services must not.'
            }
          ]
        }
      ]
    }
  },
  {
    // Errors are values: a library's error message or a server's words are read only in
    // src/main/diagnosis/ (test/diagnosis/message-text.test.ts proves this rule fires).
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/main/diagnosis/**'],
    rules: { 'no-restricted-syntax': ['error', ...MESSAGE_TEXT] }
  },
  {
    files: ['src/main/index.ts', 'src/preload/**/*.ts', 'e2e/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to main only through the typed API.' }],
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'child_process', 'net', 'tls', 'os', 'crypto'],
              message: 'The renderer has no Node.'
            },
            { group: ['**/main/**'], message: 'The renderer may import only src/shared, never main-side code.' }
          ]
        }
      ]
    }
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } }
  }
)
