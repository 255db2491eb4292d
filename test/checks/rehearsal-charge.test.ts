// rehearsal.charge: pass only when the charge step of the latest rehearsal is done; pending otherwise.
import { describe } from 'vitest';
import check from '../../checks/rehearsal-charge.js';
import { rehearsalCheckTable } from '../rehearsal/check-table.js';

describe('rehearsal.charge', () => {
  rehearsalCheckTable(check, 'rehearsal.charge', 'charge');
});
