/**
 * The registry's migrations, defined in code (no files to find at run time, so they work the same
 * from src/ under tsx and from dist/). Names sort in order; never rename or edit one that has
 * shipped: add the next one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { DialectName } from '../db.js';
import { initial } from './0001_initial.js';
import { uploadsAndAppointments } from './0002_uploads_appointments.js';
import { recognitionLevels } from './0003_recognition_levels.js';
import { records } from './0004_records.js';
import { noticeRecords } from './0005_notices.js';
import { intake } from './0006_intake.js';
import { taskCommentsAndFilters } from './0007_task_comments_filters.js';

export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_uploads_appointments': uploadsAndAppointments(),
    '0003_recognition_levels': recognitionLevels(dialect),
    '0004_records': records(),
    '0005_notices': noticeRecords(dialect),
    '0006_intake': intake(),
    '0007_task_comments_filters': taskCommentsAndFilters(),
  };
}

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}
