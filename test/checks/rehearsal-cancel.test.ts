// rehearsal.cancel: pass only when the cancel step of the latest rehearsal is done; pending otherwise.
import { describe } from 'vitest';
import check from '../../checks/rehearsal-cancel.js';
import { rehearsalCheckTable } from '../rehearsal/check-table.js';

describe('rehearsal.cancel', () => {
  rehearsalCheckTable(check, 'rehearsal.cancel', 'cancel');
});
