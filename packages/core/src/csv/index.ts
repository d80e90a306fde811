export { csvCell, csvLine, csvLines } from './csv-writer.js';
