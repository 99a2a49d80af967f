import { TsdbtProject } from '@tsdbt/core';
const project = TsdbtProject.open({ projectDir: process.env.DBT_PROJECT_DIR });
const t = performance.now(); const c = process.cpuUsage();
await project.runOperation('generate_instacart', { scale: Number(process.env.SCALE ?? 0.1), seed: 42 });
const u = process.cpuUsage(c);
console.log('generate wall', ((performance.now() - t) / 1000).toFixed(2), 'cpu', ((u.user + u.system) / 1e6).toFixed(2));
await project.close();
