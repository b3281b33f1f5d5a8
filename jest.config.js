/** Unit specs sit beside the code (src/**/*.spec.ts); e2e specs in test/ boot real app pieces. */
const tsJest = ['ts-jest', { isolatedModules: true, diagnostics: false }];

module.exports = {
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testTimeout: 60000,
    },
  ],
};
