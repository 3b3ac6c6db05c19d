export * from './steps.js';
export * from './workflow.js';
export * from './agents.js';
export * from './verification-jobs.js';
