export * from './model.js';
export { JobRunner, JobInterrupted, type JobContext, type JobEvents, type JobHandler, type JobRunnerOptions } from './job-runner.js';
export { jobErrorReport } from './error-report.js';
