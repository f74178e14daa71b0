import {
  type ConfirmationMethod,
  type ConfirmationSettings,
  parseOperations,
} from './confirmable-operations.js';

/** The settings a stored account row holds. */
export function confirmationOf(row: {
  confirmation_method: string;
  confirmation_operations: string;
}): ConfirmationSettings {
  const method: ConfirmationMethod =
    row.confirmation_method === 'sms' || row.confirmation_method === 'none'
      ? row.confirmation_method
      : 'app';
  return { method, operations: parseOperations(row.confirmation_operations) };
}
