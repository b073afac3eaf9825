// Kysely's view of the money tables of migration 0002 (camelCase here, snake_case in SQL).

export interface CashAccountsTable {
  customerId: string;
  available: number;
  seq: number;
}

export interface LedgerEntriesTable {
  customerId: string;
  seq: number;
  kind: string;
  amount: number;
  balanceAfter: number;
  reference: string | null;
  at: number;
}

export interface HoldingsTable {
  customerId: string;
  symbol: string;
  quantity: number;
}

export interface OrdersTable {
  id: string;
  customerId: string;
  seq: number;
  symbol: string;
  side: string;
  quantity: number;
  price: number;
  amount: number;
  at: number;
}

export interface WithdrawalsTable {
  id: string;
  customerId: string;
  seq: number;
  amount: number;
  bankAccount: string;
  heldUntil: number | null;
  at: number;
  cancelledAt: number | null;
}

export interface IdempotencyKeysTable {
  customerId: string;
  key: string;
  requestHash: string;
  outcome: string;
  at: number;
}

// A type alias, not an interface: Kysely's withTables<T>() wants an indexable record.
export type MoneyTables = {
  cashAccounts: CashAccountsTable;
  ledgerEntries: LedgerEntriesTable;
  holdings: HoldingsTable;
  orders: OrdersTable;
  withdrawals: WithdrawalsTable;
  idempotencyKeys: IdempotencyKeysTable;
};
