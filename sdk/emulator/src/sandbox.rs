//! The emulator's books: each merchant's accounts and transactions, kept in memory.
//!
//! Amounts are whole numbers of the region's smallest unit (`i128`, at the scale of the
//! region's money format, e.g. satang for THB): requests have been checked against the money
//! format already, so converting never rounds, and adding never loses a digit. Every change of
//! balances happens under one lock, in one step, so concurrent pay-ins and pay-outs neither
//! lose nor double-count money.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use super::codes::Check;
use super::rejection::Rejection;
use smilepayz::definitions::{TradeType, TransactionStatus as Status};
use smilepayz::timestamp::Timestamp;
use smilepayz::{Amount, Region};

/// What a pay-in account holds when the emulator starts.
pub const PAYIN_OPENING_BALANCE: &str = "0";
/// What a pay-out account holds when the emulator starts (in the region's major unit).
pub const PAYOUT_OPENING_BALANCE: &str = "1000000";
/// What any other account number holds when it is first asked for, as the sandbox answers
/// account numbers it does not know (the spec's examples show 250000).
pub const OTHER_ACCOUNT_OPENING_BALANCE: &str = "250000";

/// `pay-in` or `pay-out`, as messages name a transaction's kind.
pub(super) fn kind_name(kind: &TradeType) -> &'static str {
    match kind {
        TradeType::PayIn => "pay-in",
        TradeType::PayOut => "pay-out",
    }
}

/// The `tradeType` number: 1 for a pay-in, 2 for a pay-out.
pub(super) fn trade_type_number(kind: &TradeType) -> u8 {
    match kind {
        TradeType::PayIn => 1,
        TradeType::PayOut => 2,
    }
}

/// The status as the gateway writes it, for messages and answers (the books hold only the
/// five documented values, never an unknown one).
pub(super) fn status_str(status: &Status) -> &'static str {
    match status {
        Status::Init => "INIT",
        Status::Processing => "PROCESSING",
        Status::Success => "SUCCESS",
        Status::Failed => "FAILED",
        Status::Expired => "EXPIRED",
        _ => "UNKNOWN",
    }
}

/// Whether a status is final.
pub(super) fn is_final(status: &Status) -> bool {
    matches!(status, Status::Success | Status::Failed | Status::Expired)
}

/// One of the five documented statuses by its name, or what to send instead.
pub(super) fn parse_status(text: &str) -> Result<Status, String> {
    match text.parse::<Status>() {
        Ok(Status::Unknown(_)) | Err(_) => Err(format!(
            "{:?} is not a status; use INIT, PROCESSING, SUCCESS, FAILED or EXPIRED",
            text.chars().take(40).collect::<String>()
        )),
        Ok(status) => Ok(status),
    }
}

/// A transaction as the emulator holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The gateway's number for it.
    pub trade_no: String,
    /// The merchant's order number.
    pub order_no: String,
    /// Pay-in or pay-out.
    pub kind: TradeType,
    /// The merchant's partner id.
    pub partner_id: String,
    /// The merchant's region.
    pub region: Region,
    /// The amount, at the region's scale.
    pub amount: Amount,
    /// The payment method asked for (empty: the checkout page chooses).
    pub payment_method: String,
    /// Where the notification goes, if anywhere.
    pub callback_url: Option<String>,
    /// For a pay-out, the beneficiary's account.
    pub cash_account: Option<String>,
    /// The merchant name the request gave, if any.
    pub merchant_name: Option<String>,
    /// Where it stands.
    pub status: Status,
    /// When it was created.
    pub created: Timestamp,
    /// How it will end when it settles by itself (an `orderNo` ending in `FAIL` or
    /// `EXPIRE` decides; otherwise `SUCCESS`).
    outcome: Status,
    /// When it settles.
    settle_at: Instant,
    /// Its place in the order of creation.
    seq: u64,
    /// How many resets came before it (its callbacks are not recorded after the next).
    pub(super) epoch: u64,
}

impl Transaction {
    /// The final status it will get when it settles by itself: `FAILED` for an `orderNo`
    /// ending in `FAIL`, `EXPIRED` for a pay-in's ending in `EXPIRE`, otherwise `SUCCESS`.
    #[must_use]
    pub fn settles_as(&self) -> Status {
        self.outcome.clone()
    }
}

/// Which transactions [`RunningEmulator::transactions`](super::RunningEmulator::transactions)
/// lists: each field given must match exactly; the default lists all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionFilter {
    /// The merchant's order number.
    pub order_no: Option<String>,
    /// The gateway's number.
    pub trade_no: Option<String>,
    /// The merchant's partner id.
    pub partner_id: Option<String>,
    /// Where it stands.
    pub status: Option<Status>,
}

impl TransactionFilter {
    fn matches(&self, t: &Transaction) -> bool {
        self.order_no.as_ref().is_none_or(|o| *o == t.order_no)
            && self.trade_no.as_ref().is_none_or(|n| *n == t.trade_no)
            && self.partner_id.as_ref().is_none_or(|p| *p == t.partner_id)
            && self.status.as_ref().is_none_or(|s| *s == t.status)
    }
}

/// Why a transaction could not be settled as asked; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SettleError {
    /// No transaction has this `tradeNo`.
    #[error(
        "no transaction has tradeNo {0:?}; list them with GET /transactions (or RunningEmulator::transactions)"
    )]
    Unknown(String),
    /// It is final already; a final status never changes.
    #[error(
        "transaction {trade_no} is {status} already, and a final status never changes; create a new order to try another outcome"
    )]
    AlreadyFinal {
        /// The transaction.
        trade_no: String,
        /// Its final status.
        status: &'static str,
    },
    /// The status asked for is not a final one a transaction of this kind can end in.
    #[error("a {kind} cannot be settled as {status}; settle it as SUCCESS or FAILED{also}")]
    NotAnOutcome {
        /// `pay-in` or `pay-out`.
        kind: &'static str,
        /// The status asked for.
        status: &'static str,
        /// `, or EXPIRED` for a pay-in.
        also: &'static str,
    },
}

/// Why a balance could not be set; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BalanceError {
    /// No merchant has this partner id.
    #[error("no merchant has partner id {0:?}; list them with GET /merchants")]
    UnknownMerchant(String),
    /// The account is not one of the merchant's two.
    #[error(
        "{account_no:?} is not one of the merchant's accounts ({payin} for pay-ins, {payout} for pay-outs)"
    )]
    UnknownAccount {
        /// The account asked for.
        account_no: String,
        /// The merchant's pay-in account.
        payin: String,
        /// The merchant's pay-out account.
        payout: String,
    },
    /// The amount is not a balance the account can hold.
    #[error("{0}")]
    Refused(String),
}

/// One merchant as the emulator holds it: its region and its two accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantBalances {
    /// The partner id (`X-PARTNER-ID`).
    pub partner_id: String,
    /// Its region.
    pub region: Region,
    /// Its account numbers.
    pub accounts: MerchantAccounts,
    /// The pay-in account's balance.
    pub payin: Balance,
    /// The pay-out account's balance.
    pub payout: Balance,
}

/// One of a merchant's accounts: its balance and what is available (the balance less the
/// pay-outs held against it), in the region's smallest unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    /// The total balance.
    pub balance: Amount,
    /// What is available for transactions.
    pub available: Amount,
}

/// An account in the region's minor units. The books keep `0 <= available <= balance` and
/// move only positive amounts: every movement goes through one of the checked methods below,
/// which refuse (changing nothing) what would break that or create money.
#[derive(Debug, Clone, Copy)]
struct Account {
    balance: i128,
    available: i128,
}

/// Why the books refused a movement; nothing was booked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refused(String);

impl Account {
    /// The account after `change`, if `units` is more than 0 and the result keeps
    /// `0 <= available <= balance` without overflowing; the account is unchanged otherwise.
    fn moved(
        &mut self,
        units: i128,
        what: &str,
        change: impl FnOnce(Account) -> Option<Account>,
    ) -> Result<(), Refused> {
        if units <= 0 {
            return Err(Refused(format!(
                "the books refuse to {what} {units} minor units: a movement must be more than 0"
            )));
        }
        match change(*self) {
            Some(after) if 0 <= after.available && after.available <= after.balance => {
                *self = after;
                Ok(())
            }
            Some(after) => Err(Refused(format!(
                "the books refuse to {what} {units} minor units: the account would hold a balance \
                 of {} with {} available",
                after.balance, after.available
            ))),
            None => Err(Refused(format!(
                "the books refuse to {what} {units} minor units: the balance would overflow"
            ))),
        }
    }

    /// A pay-in arrives: balance and available rise.
    fn credit(&mut self, units: i128) -> Result<(), Refused> {
        self.moved(units, "credit", |a| {
            Some(Account {
                balance: a.balance.checked_add(units)?,
                available: a.available.checked_add(units)?,
            })
        })
    }

    /// A pay-out is created: `units` are held (no longer available; still in the balance).
    fn hold(&mut self, units: i128) -> Result<(), Refused> {
        self.moved(units, "hold", |a| {
            Some(Account {
                available: a.available.checked_sub(units)?,
                ..a
            })
        })
    }

    /// A pay-out failed: what was held is available again.
    fn release(&mut self, units: i128) -> Result<(), Refused> {
        self.moved(units, "release", |a| {
            Some(Account {
                available: a.available.checked_add(units)?,
                ..a
            })
        })
    }

    /// A pay-out succeeded: what was held leaves the balance.
    fn debit_held(&mut self, units: i128) -> Result<(), Refused> {
        self.moved(units, "debit", |a| {
            Some(Account {
                balance: a.balance.checked_sub(units)?,
                ..a
            })
        })
    }
}

struct MerchantBooks {
    region: Region,
    payin_account_no: String,
    payout_account_no: String,
    accounts: HashMap<String, Account>,
}

#[derive(Default)]
struct Books {
    merchants: HashMap<String, MerchantBooks>,
    transactions: HashMap<String, Transaction>,
    by_order: HashMap<(String, TradeType, String), String>,
    /// Transactions not final yet, by when they settle.
    pending: BTreeSet<(Instant, String)>,
    serial: u64,
    /// How many resets there have been.
    epoch: u64,
}

impl Books {
    fn account_balance(merchant: &MerchantBooks, account_no: &str) -> Balance {
        let scale = merchant.region.info().money_scale;
        let account = merchant
            .accounts
            .get(account_no)
            .copied()
            .unwrap_or(Account {
                balance: 0,
                available: 0,
            });
        Balance {
            balance: Amount::new(account.balance, scale),
            available: Amount::new(account.available, scale),
        }
    }
}

/// A new order, read from a checked request body.
#[derive(Debug, Clone)]
pub(super) struct NewOrder {
    pub(super) order_no: String,
    pub(super) amount: Amount,
    pub(super) payment_method: String,
    pub(super) callback_url: Option<String>,
    pub(super) cash_account: Option<String>,
    pub(super) merchant_name: Option<String>,
}

/// The merchants' books, shared by the connections.
pub(super) struct Sandbox {
    books: Mutex<Books>,
    settle_after: Duration,
    max_transactions: usize,
    /// Where transactions that became final go (to have their callbacks delivered).
    finals: tokio::sync::mpsc::UnboundedSender<Transaction>,
}

/// A merchant's two account numbers, as the emulator gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantAccounts {
    /// Collects pay-ins.
    pub payin_account_no: String,
    /// Funds pay-outs.
    pub payout_account_no: String,
}

/// The account numbers of a partner in a region: 20 digits, like the gateway's
/// (`2` + area code + `1` for pay-in or `2` for pay-out + the merchant's digits).
#[must_use]
pub fn account_numbers(partner_id: &str, region: Region) -> MerchantAccounts {
    let digits: String = partner_id.chars().filter(char::is_ascii_digit).collect();
    let tail = format!("{digits:0>16}");
    let tail = &tail[tail.len() - 16..];
    let area = region.info().area_code % 100;
    MerchantAccounts {
        payin_account_no: format!("2{area:02}1{tail}"),
        payout_account_no: format!("2{area:02}2{tail}"),
    }
}

fn units_at(amount: Amount, scale: u8) -> Option<i128> {
    let factor = 10i128.checked_pow(u32::from(scale.checked_sub(amount.scale())?))?;
    amount.units().checked_mul(factor)
}

/// `amount` in minor units at `scale`: extra decimals are taken when they are zeros
/// (`5.000` THB is 500 satang); anything else is refused, saying why.
fn units_exactly_at(amount: Amount, scale: u8) -> Result<i128, BalanceError> {
    let too_large = || BalanceError::Refused(format!("{amount} is too large for a balance"));
    if amount.scale() <= scale {
        return units_at(amount, scale).ok_or_else(too_large);
    }
    let factor = 10i128
        .checked_pow(u32::from(amount.scale() - scale))
        .ok_or_else(too_large)?;
    if amount.units() % factor == 0 {
        Ok(amount.units() / factor)
    } else {
        Err(BalanceError::Refused(format!(
            "{amount} has more decimal places than the currency has ({scale})"
        )))
    }
}

fn opening(text: &str, scale: u8) -> i128 {
    text.parse::<Amount>()
        .ok()
        .and_then(|a| units_at(a, scale))
        .unwrap_or(0)
}

fn internal(message: String) -> Rejection {
    Rejection::new(
        Check::InternalError,
        format!("{message}; this is a bug in the emulator, please report it"),
    )
}

impl Sandbox {
    pub(super) fn new(
        settle_after: Duration,
        max_transactions: usize,
        finals: tokio::sync::mpsc::UnboundedSender<Transaction>,
    ) -> Self {
        Self {
            books: Mutex::new(Books::default()),
            settle_after,
            max_transactions,
            finals,
        }
    }

    /// Hands transactions that became final to the callback dispatcher.
    fn announce(&self, finals: Vec<Transaction>) {
        for transaction in finals {
            // Closed only when the emulator stops; then nobody is waiting for callbacks.
            let _ = self.finals.send(transaction);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Books> {
        // A panic while holding the lock cannot leave the books half-changed: every change
        // is computed first and written in one step. So a poisoned lock is still usable.
        self.books
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Opens a merchant's pay-in and pay-out accounts.
    pub(super) fn open(&self, partner_id: &str, region: Region) {
        let books = opened(partner_id, region);
        self.lock().merchants.insert(partner_id.to_owned(), books);
    }
}

/// A merchant's books as they open: its two accounts at their opening balances.
fn opened(partner_id: &str, region: Region) -> MerchantBooks {
    let numbers = account_numbers(partner_id, region);
    let scale = region.info().money_scale;
    let mut accounts = HashMap::new();
    let payin = opening(PAYIN_OPENING_BALANCE, scale);
    let payout = opening(PAYOUT_OPENING_BALANCE, scale);
    accounts.insert(
        numbers.payin_account_no.clone(),
        Account {
            balance: payin,
            available: payin,
        },
    );
    accounts.insert(
        numbers.payout_account_no.clone(),
        Account {
            balance: payout,
            available: payout,
        },
    );
    MerchantBooks {
        region,
        payin_account_no: numbers.payin_account_no,
        payout_account_no: numbers.payout_account_no,
        accounts,
    }
}

impl Sandbox {
    /// The balance of one of a merchant's accounts. An account number the merchant does not
    /// have is answered at [`OTHER_ACCOUNT_OPENING_BALANCE`], as the sandbox answers any; it
    /// never moves, so it is not kept.
    pub(super) fn balance(&self, partner_id: &str, account_no: &str) -> Option<Balance> {
        let mut books = self.lock();
        let finals = books.settle_due(Instant::now());
        let balance = books.balance(partner_id, account_no);
        drop(books);
        self.announce(finals);
        balance
    }
}

impl Books {
    fn balance(&self, partner_id: &str, account_no: &str) -> Option<Balance> {
        let merchant = self.merchants.get(partner_id)?;
        let scale = merchant.region.info().money_scale;
        // Only the merchant's own two accounts ever move, so any other number is answered at
        // its opening balance without being kept: asking about a million numbers costs no
        // memory (each used to be stored for ever, outside the transaction cap).
        let account = merchant
            .accounts
            .get(account_no)
            .copied()
            .unwrap_or_else(|| {
                let opening = opening(OTHER_ACCOUNT_OPENING_BALANCE, scale);
                Account {
                    balance: opening,
                    available: opening,
                }
            });
        Some(Balance {
            balance: Amount::new(account.balance, scale),
            available: Amount::new(account.available, scale),
        })
    }
}

impl Sandbox {
    /// Creates a pay-in or pay-out; a pay-out is held against the pay-out account at once.
    /// With `settle_after` zero it is final when this returns.
    pub(super) fn create(
        &self,
        partner_id: &str,
        kind: TradeType,
        order: NewOrder,
    ) -> Result<Transaction, Rejection> {
        let mut books = self.lock();
        if books.transactions.len() >= self.max_transactions {
            return Err(Rejection::new(
                Check::TooManyTransactions,
                format!(
                    "the emulator holds {} transactions, its limit; start a new emulator, or raise \
                     EmulatorBuilder::max_transactions (smilepayz serve --max-transactions)",
                    books.transactions.len()
                ),
            ));
        }
        let key = (partner_id.to_owned(), kind.clone(), order.order_no.clone());
        if let Some(trade_no) = books.by_order.get(&key) {
            return Err(Rejection::new(
                Check::DuplicateOrder,
                format!(
                    "orderNo {:?} is already used by this merchant's {} {trade_no}; an orderNo is \
                     unique per merchant and is the idempotency key: ask inquiry-status by it to \
                     learn what became of the first request, or use a new orderNo",
                    order.order_no,
                    kind_name(&kind)
                ),
            ));
        }
        let Some(merchant) = books.merchants.get(partner_id) else {
            return Err(internal(format!("merchant {partner_id:?} has no books")));
        };
        let region = merchant.region;
        let info = region.info();
        let scale = info.money_scale;
        let units = units_at(order.amount, scale).ok_or_else(|| {
            internal(format!(
                "the amount {} does not fit the {region} scale",
                order.amount
            ))
        })?;
        let payout_account_no = merchant.payout_account_no.clone();
        // The rules refuse such amounts before here; the books refuse them on their own too.
        let refused = |why: Refused| {
            Rejection::new(
                Check::MovementRefused,
                format!(
                    "{}; the {} of {} {} was not booked",
                    why.0,
                    kind_name(&kind),
                    order.amount,
                    info.currency
                ),
            )
        };
        if kind == TradeType::PayIn {
            let account = merchant.accounts.get(&merchant.payin_account_no).copied();
            // Tried on a copy: the credit happens when the pay-in succeeds.
            account
                .unwrap_or(Account {
                    balance: 0,
                    available: 0,
                })
                .credit(units)
                .map_err(refused)?;
        }
        if kind == TradeType::PayOut {
            let available = merchant
                .accounts
                .get(&payout_account_no)
                .map_or(0, |a| a.available);
            if units <= 0 {
                return Err(refused(Refused(format!(
                    "the books refuse to hold {units} minor units: a movement must be more than 0"
                ))));
            }
            if units > available {
                return Err(Rejection::new(
                    Check::InsufficientBalance,
                    format!(
                        "the pay-out account {payout_account_no} has {} {} available, less than the \
                         {} {} asked; nothing was held or sent",
                        Amount::new(available, scale),
                        info.currency,
                        order.amount,
                        info.currency
                    ),
                ));
            }
        }
        let ends = |suffix: &str| order.order_no.to_ascii_uppercase().ends_with(suffix);
        let outcome = if ends("FAIL") {
            Status::Failed
        } else if ends("EXPIRE") && kind == TradeType::PayIn {
            Status::Expired
        } else {
            Status::Success
        };
        books.serial += 1;
        let created = Timestamp::at(SystemTime::now(), info.utc_offset_seconds);
        let digits: String = partner_id.chars().filter(char::is_ascii_digit).collect();
        let merchant_digits = format!("{digits:0>5}");
        let merchant_digits = &merchant_digits[merchant_digits.len() - 5..];
        let stamp = created.to_string();
        let compact: String = stamp[2..19].chars().filter(char::is_ascii_digit).collect();
        let trade_no = format!(
            "T{:02}{}{merchant_digits}{compact}{:06}",
            info.area_code % 100,
            trade_type_number(&kind),
            books.serial % 1_000_000
        );
        let status = if kind == TradeType::PayIn && order.payment_method.is_empty() {
            Status::Init
        } else {
            Status::Processing
        };
        if kind == TradeType::PayOut {
            let account = books
                .merchants
                .get_mut(partner_id)
                .and_then(|m| m.accounts.get_mut(&payout_account_no))
                .ok_or_else(|| {
                    internal(format!("the pay-out account {payout_account_no} is gone"))
                })?;
            account.hold(units).map_err(refused)?;
        }
        let transaction = Transaction {
            trade_no: trade_no.clone(),
            order_no: order.order_no,
            kind,
            partner_id: partner_id.to_owned(),
            region,
            amount: Amount::new(units, scale),
            payment_method: order.payment_method,
            callback_url: order.callback_url,
            cash_account: order.cash_account,
            merchant_name: order.merchant_name,
            status,
            created,
            outcome,
            settle_at: Instant::now() + self.settle_after,
            seq: books.serial,
            epoch: books.epoch,
        };
        books.by_order.insert(key, trade_no.clone());
        books
            .pending
            .insert((transaction.settle_at, trade_no.clone()));
        books.transactions.insert(trade_no.clone(), transaction);
        if self.settle_after.is_zero() {
            books.settle(&trade_no);
        }
        let finals = if self.settle_after.is_zero() {
            books
                .transactions
                .get(&trade_no)
                .cloned()
                .into_iter()
                .collect()
        } else {
            Vec::new()
        };
        let created = books
            .transactions
            .get(&trade_no)
            .cloned()
            .ok_or_else(|| internal("a transaction vanished".to_owned()));
        drop(books);
        self.announce(finals);
        created
    }

    /// Settles a transaction now, whatever its time (the library's explicit settlement, and
    /// the timer's). Returns it when this call made it final; `None` if it was already final
    /// or is unknown.
    pub(super) fn settle(&self, trade_no: &str) -> Option<Transaction> {
        let settled = self.lock().settle(trade_no);
        self.announce(settled.iter().cloned().collect());
        settled
    }

    /// Settles every transaction whose time has come.
    pub(super) fn settle_due(&self) {
        let finals = self.lock().settle_due(Instant::now());
        self.announce(finals);
    }

    /// A merchant's transaction by `tradeNo` or `orderNo`, of the given kind.
    pub(super) fn find(
        &self,
        partner_id: &str,
        kind: TradeType,
        trade_no: Option<&str>,
        order_no: Option<&str>,
    ) -> Option<Transaction> {
        let mut books = self.lock();
        let finals = books.settle_due(Instant::now());
        let found = books.find(partner_id, kind, trade_no, order_no);
        drop(books);
        self.announce(finals);
        found
    }

    /// A transaction by `tradeNo`, of any merchant.
    pub(super) fn get(&self, trade_no: &str) -> Option<Transaction> {
        self.lock().transactions.get(trade_no).cloned()
    }

    /// The transactions the filter matches, oldest first (due ones settled first).
    pub(super) fn list(&self, filter: &TransactionFilter) -> Vec<Transaction> {
        let mut books = self.lock();
        let finals = books.settle_due(Instant::now());
        let mut found: Vec<Transaction> = match &filter.trade_no {
            // The common question, answered without a scan.
            Some(trade_no) => books
                .transactions
                .get(trade_no)
                .into_iter()
                .cloned()
                .collect(),
            None => books.transactions.values().cloned().collect(),
        };
        drop(books);
        self.announce(finals);
        found.retain(|t| filter.matches(t));
        found.sort_by_key(|t| t.seq);
        found
    }

    /// Settles a transaction now as `status` (or as it would settle by itself), moving the
    /// money as that status does, and delivers its callback.
    pub(super) fn settle_as(
        &self,
        trade_no: &str,
        status: Option<Status>,
    ) -> Result<Transaction, SettleError> {
        let mut books = self.lock();
        let transaction = books
            .transactions
            .get_mut(trade_no)
            .ok_or_else(|| SettleError::Unknown(trade_no.chars().take(64).collect()))?;
        if is_final(&transaction.status) {
            return Err(SettleError::AlreadyFinal {
                trade_no: transaction.trade_no.clone(),
                status: status_str(&transaction.status),
            });
        }
        if let Some(status) = status {
            let allowed = match transaction.kind {
                TradeType::PayIn => {
                    matches!(status, Status::Success | Status::Failed | Status::Expired)
                }
                TradeType::PayOut => matches!(status, Status::Success | Status::Failed),
            };
            if !allowed {
                return Err(SettleError::NotAnOutcome {
                    kind: kind_name(&transaction.kind),
                    status: status_str(&status),
                    also: if transaction.kind == TradeType::PayIn {
                        ", or EXPIRED"
                    } else {
                        ""
                    },
                });
            }
            transaction.outcome = status;
        }
        let settled = books.settle(trade_no);
        drop(books);
        self.announce(settled.iter().cloned().collect());
        settled.ok_or_else(|| SettleError::Unknown(trade_no.chars().take(64).collect()))
    }

    /// Every merchant with its accounts' balances, by partner id.
    pub(super) fn merchants(&self) -> Vec<MerchantBalances> {
        let mut books = self.lock();
        let finals = books.settle_due(Instant::now());
        let mut all: Vec<MerchantBalances> = books
            .merchants
            .iter()
            .map(|(partner_id, m)| MerchantBalances {
                partner_id: partner_id.clone(),
                region: m.region,
                accounts: MerchantAccounts {
                    payin_account_no: m.payin_account_no.clone(),
                    payout_account_no: m.payout_account_no.clone(),
                },
                payin: Books::account_balance(m, &m.payin_account_no),
                payout: Books::account_balance(m, &m.payout_account_no),
            })
            .collect();
        drop(books);
        self.announce(finals);
        all.sort_by(|a, b| a.partner_id.cmp(&b.partner_id));
        all
    }

    /// Sets some of a merchant's accounts, each to its balance: all of them, or none when
    /// one is refused. What is held for pay-outs in flight stays held, so an available
    /// balance becomes the balance less the holds. Returns the balances as set.
    pub(super) fn set_balances(
        &self,
        partner_id: &str,
        changes: &[(&str, Amount)],
    ) -> Result<Vec<Balance>, BalanceError> {
        let mut books = self.lock();
        let merchant = books
            .merchants
            .get_mut(partner_id)
            .ok_or_else(|| BalanceError::UnknownMerchant(partner_id.chars().take(64).collect()))?;
        let info = merchant.region.info();
        let scale = info.money_scale;
        // Worked out on a copy, written only when every change is taken.
        let mut accounts = merchant.accounts.clone();
        let mut set = Vec::with_capacity(changes.len());
        for (account_no, balance) in changes {
            let Some(account) = accounts.get_mut(*account_no) else {
                return Err(BalanceError::UnknownAccount {
                    account_no: account_no.chars().take(64).collect(),
                    payin: merchant.payin_account_no.clone(),
                    payout: merchant.payout_account_no.clone(),
                });
            };
            let units = units_exactly_at(*balance, scale)?;
            if units < 0 {
                return Err(BalanceError::Refused(format!(
                    "a balance cannot be negative ({balance} {} asked)",
                    info.currency
                )));
            }
            let held = account.balance - account.available;
            if units < held {
                return Err(BalanceError::Refused(format!(
                    "{} {} is held for pay-outs in flight in {account_no}, more than the {balance} \
                     asked; settle them first, or set at least that much",
                    Amount::new(held, scale),
                    info.currency
                )));
            }
            account.balance = units;
            account.available = units - held;
            set.push(Balance {
                balance: Amount::new(account.balance, scale),
                available: Amount::new(account.available, scale),
            });
        }
        merchant.accounts = accounts;
        Ok(set)
    }

    /// Forgets every transaction and opens every merchant's accounts again at their opening
    /// balances. `forget_callbacks` runs under the books' lock and returns the new epoch (the
    /// delivery log's generation): callbacks of older transactions are then not recorded.
    pub(super) fn reset(&self, forget_callbacks: impl FnOnce() -> u64) {
        let mut books = self.lock();
        books.epoch = forget_callbacks();
        books.transactions.clear();
        books.by_order.clear();
        books.pending.clear();
        for (partner_id, merchant) in &mut books.merchants {
            *merchant = opened(partner_id, merchant.region);
        }
    }

    /// How many transactions are held.
    pub(super) fn len(&self) -> usize {
        self.lock().transactions.len()
    }

    /// The merchant's account numbers.
    pub(super) fn accounts_of(&self, partner_id: &str) -> Option<MerchantAccounts> {
        self.lock()
            .merchants
            .get(partner_id)
            .map(|m| MerchantAccounts {
                payin_account_no: m.payin_account_no.clone(),
                payout_account_no: m.payout_account_no.clone(),
            })
    }
}

impl Books {
    fn find(
        &self,
        partner_id: &str,
        kind: TradeType,
        trade_no: Option<&str>,
        order_no: Option<&str>,
    ) -> Option<Transaction> {
        let trade_no = match (trade_no, order_no) {
            (Some(t), _) if !t.is_empty() => t.to_owned(),
            (_, Some(o)) => self
                .by_order
                .get(&(partner_id.to_owned(), kind.clone(), o.to_owned()))?
                .clone(),
            _ => return None,
        };
        self.transactions
            .get(&trade_no)
            .filter(|t| t.partner_id == partner_id && t.kind == kind)
            .cloned()
    }

    fn settle_due(&mut self, now: Instant) -> Vec<Transaction> {
        let mut due = Vec::new();
        while let Some((at, _)) = self.pending.first() {
            if *at > now {
                break;
            }
            if let Some((_, trade_no)) = self.pending.pop_first() {
                due.push(trade_no);
            }
        }
        due.iter().filter_map(|t| self.settle(t)).collect()
    }

    fn settle(&mut self, trade_no: &str) -> Option<Transaction> {
        let transaction = self.transactions.get(trade_no)?;
        if is_final(&transaction.status) {
            return None;
        }
        self.pending
            .remove(&(transaction.settle_at, trade_no.to_owned()));
        let (partner_id, kind, outcome) = (
            transaction.partner_id.clone(),
            transaction.kind.clone(),
            transaction.outcome.clone(),
        );
        let units = transaction.amount.units();
        let merchant = self.merchants.get_mut(&partner_id)?;
        let account_no = match kind {
            TradeType::PayIn => merchant.payin_account_no.clone(),
            TradeType::PayOut => merchant.payout_account_no.clone(),
        };
        let account = merchant.accounts.get_mut(&account_no)?;
        let booked = match (kind, &outcome) {
            (TradeType::PayIn, Status::Success) => account.credit(units),
            (TradeType::PayOut, Status::Success) => account.debit_held(units),
            // The hold is released.
            (TradeType::PayOut, _) => account.release(units),
            (TradeType::PayIn, _) => Ok(()),
        };
        // Creation checked the movement (a pay-in's credit on a copy, a pay-out's hold on the
        // account), and nothing else moves a held amount, so a refusal here means the books
        // broke their own rule. The order fails rather than move money the books refuse, and
        // the account is left as it is, for the log to explain.
        let outcome = match booked {
            Ok(()) => outcome,
            Err(Refused(why)) => {
                tracing::error!(trade_no, "{why}; the order is failed and nothing moved");
                Status::Failed
            }
        };
        let transaction = self.transactions.get_mut(trade_no)?;
        transaction.status = outcome;
        Some(transaction.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(order_no: &str, amount: &str) -> NewOrder {
        NewOrder {
            order_no: order_no.to_owned(),
            amount: amount.parse().expect("amount"),
            payment_method: "QRPAY".to_owned(),
            callback_url: None,
            cash_account: None,
            merchant_name: None,
        }
    }

    #[test]
    fn other_account_numbers_are_answered_without_being_kept() {
        let (finals, _announced) = tokio::sync::mpsc::unbounded_channel();
        let sandbox = Sandbox::new(Duration::from_secs(3600), 10, finals);
        sandbox.open("sandbox-20011", Region::Thb);
        for n in 0..10_000u32 {
            let balance = sandbox
                .balance("sandbox-20011", &format!("9{n:019}"))
                .expect("answered");
            assert_eq!(balance.balance.to_string(), "250000.00");
        }
        let books = sandbox.lock();
        let merchant = books.merchants.get("sandbox-20011").expect("opened");
        assert_eq!(
            merchant.accounts.len(),
            2,
            "only the pay-in and pay-out accounts"
        );
    }

    #[test]
    fn pay_ins_credit_and_pay_outs_hold_then_debit_exactly() {
        let (finals, mut announced) = tokio::sync::mpsc::unbounded_channel();
        let sandbox = Sandbox::new(Duration::from_secs(3600), 10, finals);
        sandbox.open("sandbox-20011", Region::Thb);
        let accounts = sandbox.accounts_of("sandbox-20011").expect("opened");
        let payin = sandbox
            .create(
                "sandbox-20011",
                TradeType::PayIn,
                order("S20011A1", "100.5"),
            )
            .expect("created");
        assert_eq!(payin.status, Status::Processing);
        assert!(payin.trade_no.len() <= 32, "{}", payin.trade_no);
        assert_eq!(payin.amount.to_string(), "100.50");
        sandbox.settle(&payin.trade_no).expect("settles");
        assert!(sandbox.settle(&payin.trade_no).is_none(), "settles once");
        assert_eq!(
            announced.try_recv().map(|t| t.status),
            Ok(Status::Success),
            "announced once"
        );
        assert!(announced.try_recv().is_err());
        let credited = sandbox
            .balance("sandbox-20011", &accounts.payin_account_no)
            .expect("balance");
        assert_eq!(credited.balance.to_string(), "100.50");

        let payout = sandbox
            .create(
                "sandbox-20011",
                TradeType::PayOut,
                order("S20011B1", "0.01"),
            )
            .expect("created");
        let held = sandbox
            .balance("sandbox-20011", &accounts.payout_account_no)
            .expect("balance");
        assert_eq!(
            (held.balance.to_string(), held.available.to_string()),
            ("1000000.00".to_owned(), "999999.99".to_owned())
        );
        sandbox.settle(&payout.trade_no);
        let debited = sandbox
            .balance("sandbox-20011", &accounts.payout_account_no)
            .expect("balance");
        assert_eq!(debited.balance.to_string(), "999999.99");

        let error = sandbox
            .create(
                "sandbox-20011",
                TradeType::PayOut,
                order("S20011B2", "1000000"),
            )
            .expect_err("overdraft");
        assert!(
            format!("{error:?}").contains("nothing was held"),
            "{error:?}"
        );
        let failed = sandbox
            .create("sandbox-20011", TradeType::PayOut, order("S20011FAIL", "5"))
            .expect("created");
        sandbox.settle(&failed.trade_no);
        let released = sandbox
            .balance("sandbox-20011", &accounts.payout_account_no)
            .expect("balance");
        assert_eq!(released.available, debited.available);
        assert!(
            sandbox
                .create("sandbox-20011", TradeType::PayIn, order("S20011A1", "1"))
                .is_err(),
            "a repeated orderNo is refused"
        );
        // The limit.
        for i in 0..10 {
            let _ = sandbox.create(
                "sandbox-20011",
                TradeType::PayIn,
                order(&format!("S20011C{i}"), "1"),
            );
        }
        assert_eq!(sandbox.len(), 10);
    }

    /// The books refuse, on their own, any amount that is not more than 0, whatever the rules
    /// let through: nothing is booked, no transaction is made, and the totals do not move.
    #[test]
    fn the_books_refuse_amounts_that_are_not_more_than_zero() {
        let (finals, mut announced) = tokio::sync::mpsc::unbounded_channel();
        let sandbox = Sandbox::new(Duration::ZERO, 100, finals);
        sandbox.open("sandbox-20012", Region::Thb);
        let accounts = sandbox.accounts_of("sandbox-20012").expect("opened");
        let totals = |sandbox: &Sandbox| {
            [&accounts.payin_account_no, &accounts.payout_account_no].map(|no| {
                sandbox
                    .balance("sandbox-20012", no)
                    .map(|b| (b.balance, b.available))
            })
        };
        let before = totals(&sandbox);
        for (i, amount) in ["-500000", "-100.00", "0", "-0.00", "-0.01"]
            .iter()
            .enumerate()
        {
            for kind in [TradeType::PayIn, TradeType::PayOut] {
                let error = sandbox
                    .create("sandbox-20012", kind, order(&format!("S20012N{i}"), amount))
                    .expect_err("refused");
                assert_eq!(error.check(), Check::MovementRefused, "{amount}: {error:?}");
                let message = format!("{error:?}");
                assert!(
                    message.contains("must be more than 0") && message.contains("not booked"),
                    "{amount}: {message}"
                );
            }
        }
        assert_eq!(sandbox.len(), 0, "no transaction was made");
        assert!(announced.try_recv().is_err(), "nothing was announced");
        assert_eq!(totals(&sandbox), before, "no money moved");
    }

    #[test]
    fn each_movement_keeps_available_between_zero_and_the_balance() {
        let mut account = Account {
            balance: 100,
            available: 40,
        };
        assert!(account.hold(41).is_err(), "more than is available");
        assert!(
            account.release(61).is_err(),
            "more available than the balance"
        );
        assert!(account.debit_held(101).is_err(), "a negative balance");
        assert!(account.credit(i128::MAX).is_err(), "an overflow");
        for units in [0, -1, i128::MIN] {
            assert!(account.credit(units).is_err(), "{units}");
            assert!(account.hold(units).is_err(), "{units}");
            assert!(account.release(units).is_err(), "{units}");
            assert!(account.debit_held(units).is_err(), "{units}");
        }
        assert_eq!((account.balance, account.available), (100, 40), "unchanged");
        account.hold(40).expect("held");
        account.debit_held(40).expect("debited");
        account.credit(5).expect("credited");
        assert_eq!((account.balance, account.available), (65, 5));
    }
}
