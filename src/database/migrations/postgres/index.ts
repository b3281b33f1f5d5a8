import { MigrationInterface } from 'typeorm';
import { Initial1795553805735 } from './1795553805735-Initial';

/** In order. A new migration is generated with `npm run typeorm -- migration:generate` and added here. */
export const POSTGRES_MIGRATIONS: (new () => MigrationInterface)[] = [Initial1795553805735];
