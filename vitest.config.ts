import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Ink renders only a final frame when it believes it runs in CI; the TUI tests need a real terminal's behaviour.
    env: {CI: 'false', CONTINUOUS_INTEGRATION: 'false'},
  },
})
