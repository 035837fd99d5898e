export * from './experiment.js';
export * from './replication.js';
export * from './stats.js';
export * from './saturation.js';
export * from './capacity-check.js';
export * from './jobs.js';
export * from './parallel.js';
export * from './precision.js';
