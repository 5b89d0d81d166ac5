export * from './organizations.ts';
export * from './customers.ts';
