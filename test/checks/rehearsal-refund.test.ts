// rehearsal.refund: pass only when the refund step of the latest rehearsal is done; pending otherwise.
import { describe } from 'vitest';
import check from '../../checks/rehearsal-refund.js';
import { rehearsalCheckTable } from '../rehearsal/check-table.js';

describe('rehearsal.refund', () => {
  rehearsalCheckTable(check, 'rehearsal.refund', 'refund');
});
