import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { buildDataSourceOptions } from './data-source-options';

/** The data source the TypeORM CLI uses (through ormconfig.ts); dialect from DATABASE_URL as at runtime. */
export default new DataSource(buildDataSourceOptions(loadConfig()));
