export * from './organizations.ts';
export * from './customers.ts';
export * from './sites.ts';
export * from './surveys.ts';
export * from './feedback.ts';
export * from './complaints.ts';
export * from './jobs.ts';
export * from './events.ts';
