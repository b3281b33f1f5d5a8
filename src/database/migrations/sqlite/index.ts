import { MigrationInterface } from 'typeorm';
import { Initial1795553808096 } from './1795553808096-Initial';

/** In order. A new migration is generated with `npm run typeorm -- migration:generate` and added here. */
export const SQLITE_MIGRATIONS: (new () => MigrationInterface)[] = [Initial1795553808096];
