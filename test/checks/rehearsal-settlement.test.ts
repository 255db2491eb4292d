// rehearsal.settlement: pass only when the settlement step of the latest rehearsal is done; pending otherwise.
import { describe } from 'vitest';
import check from '../../checks/rehearsal-settlement.js';
import { rehearsalCheckTable } from '../rehearsal/check-table.js';

describe('rehearsal.settlement', () => {
  rehearsalCheckTable(check, 'rehearsal.settlement', 'settlement');
});
