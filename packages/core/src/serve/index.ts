export { startServer } from './server.js';
export type { WarehouseServer, WarehouseServerOptions } from './server.js';
export { shareWarehouse } from './warehouse-share.js';
