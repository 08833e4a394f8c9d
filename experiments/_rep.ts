import { writeReport } from './report/write-report.js';
for (const d of process.argv.slice(2)) console.log(writeReport(d).headline);
