export * from './simulation.js';
export * from './heap.js';
export * from './random.js';
export * from './distributions.js';
export * from './bus.js';
export * from './errors.js';
export * from './special.js';
