// Re-exports the data source for the TypeORM CLI: `npm run typeorm -- migration:generate ...`.
export { default } from './src/database/cli-data-source';
