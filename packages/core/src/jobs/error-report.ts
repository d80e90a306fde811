import type { ExportFile } from '../crm/export/csv-export.js';
import { exportCsv } from '../crm/export/csv-export.js';
import type { ExportEncoding } from '../crm/catalog.js';
import type { Storage } from '../storage/storage.js';
import type { Job, JobError } from './model.js';

/**
 * A job's error file (manual §3.15.3 "Download"; the AI manual's "the reason for the failure
 * will be detailed in the table"): one row per record that failed — its line, the reason,
 * then its cells under the file's own header (when the job recorded one in its state as
 * `header`), so the rows can be corrected and imported again. Streamed in the tenant's
 * export encoding; available while the job runs.
 */
export async function jobErrorReport(storage: Storage, job: Job, encoding: ExportEncoding): Promise<ExportFile> {
  const header = Array.isArray(job.state['header']) ? (job.state['header'] as unknown[]).map(String) : [];
  const width = Math.max(header.length, 1);
  const columns = [
    { header: 'line', value: (e: JobError) => e.line },
    { header: 'reason', value: (e: JobError) => e.reason },
    ...Array.from({ length: width }, (_, i) => ({ header: header[i] ?? `column ${i + 1}`, value: (e: JobError) => e.cells[i] ?? '' })),
    // Cells past the header (a row with too many) follow in one more column, joined.
    { header: 'more cells', value: (e: JobError) => e.cells.slice(width).join(',') },
  ];
  return exportCsv(
    {
      name: `${job.fileName.replace(/\.[^.]*$/, '') || job.kind}-errors`,
      columns,
      count: () => storage.jobs.countErrors(job.tenantId, job.id),
      records: () => storage.jobs.streamErrors(job.tenantId, job.id),
    },
    { encoding, maxRowsPerFile: Number.MAX_SAFE_INTEGER, at: new Date() },
  );
}
