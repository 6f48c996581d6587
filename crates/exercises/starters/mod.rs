//! The kept starters: each exercise as a fresh clone has it in `src/`.

pub mod bounded_ledger;
pub mod consistent_total;
pub mod deposit_withdraw;
pub mod event;
pub mod greet_students;
pub mod ledger_thread;
pub mod named_workers;
pub mod no_overdraft;
pub mod ordered_transfer;
pub mod pool_in_order;
pub mod shared_balance;
pub mod student_slot;
pub mod take_then_run;
pub mod visit_counter;
pub mod whole_lines;
pub mod withdraw_when_covered;
