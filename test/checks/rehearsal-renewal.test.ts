// rehearsal.renewal: pass only when the renewal step of the latest rehearsal is done; pending otherwise.
import { describe } from 'vitest';
import check from '../../checks/rehearsal-renewal.js';
import { rehearsalCheckTable } from '../rehearsal/check-table.js';

describe('rehearsal.renewal', () => {
  rehearsalCheckTable(check, 'rehearsal.renewal', 'renewal');
});
