export { startServer } from './server.js';
export type { WarehouseServer, WarehouseServerOptions } from './server.js';
