//! A merchant's service in Thailand, as the SDK's pieces fit together: it takes pay-ins and
//! pay-outs (sent with `send_reconciled`, so an unknown outcome is found out, never sent
//! twice), receives their callbacks with the axum extractor, and confirms each callback with
//! inquiry-status before it counts, since the signature covers neither the status nor the
//! amount. `main.rs` serves it; `tests/merchant_service.rs` runs it against the emulator.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use smilepayz::axum::{Callback, Success};
use smilepayz::callback::CallbackVerifier;
use smilepayz::definitions::{Merchant, Payer, PaymentMethod, TradeType};
use smilepayz::regions::thb;
use smilepayz::{Client, OrderNo, Reconciled, TransactionMoney};

/// What the service knows of one order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub order_no: String,
    pub trade_no: Option<String>,
    /// What the send found out: `sending` while it runs, then `created`, `exists`,
    /// `not_created`, or `unknown` (ask again later; never send it again).
    pub sent: &'static str,
    /// The gateway's status, as inquiry-status confirmed it after a callback.
    pub confirmed_status: Option<String>,
    /// How many callbacks came for it (the platform may deliver one more than once).
    pub callbacks: u32,
}

/// The service's state: the signed client, the callback verifier and the orders.
#[derive(Clone)]
pub struct Shop {
    pub client: Client,
    pub verifier: CallbackVerifier,
    pub merchant_id: String,
    /// Where the platform reaches this service, for the orders' callbackUrl.
    pub public_url: String,
    pub orders: Arc<Mutex<HashMap<String, Order>>>,
}

impl FromRef<Shop> for CallbackVerifier {
    fn from_ref(shop: &Shop) -> CallbackVerifier {
        shop.verifier.clone()
    }
}

/// The routes: `POST /pay-ins`, `POST /pay-outs`, `GET /orders/{orderNo}`, and the two
/// callback endpoints the orders name.
pub fn router(shop: Shop) -> Router {
    Router::new()
        .route("/pay-ins", post(create_pay_in))
        .route("/pay-outs", post(create_pay_out))
        .route("/orders/{order_no}", get(order))
        .route("/smilepayz/pay-in", post(pay_in_callback))
        .route("/smilepayz/pay-out", post(pay_out_callback))
        .with_state(shop)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPayIn {
    /// Baht, as text: "100.00".
    pub amount: String,
    pub payer_name: String,
    pub payer_account: String,
    pub payer_bank: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPayOut {
    pub amount: String,
    /// The receiving bank's code, e.g. KBANK.
    pub bank: String,
    pub account: String,
}

type Answer = Result<Json<Order>, (StatusCode, String)>;

fn bad_request(error: impl std::fmt::Display) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, error.to_string())
}

fn poisoned<T>(_: T) -> (StatusCode, String) {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the order book is poisoned".to_owned(),
    )
}

/// Books an order as `sending` before it is sent, so that it is never lost: a callback may
/// come before the send returns, and an order whose outcome stays unknown may exist.
fn book(shop: &Shop, order_no: &str) -> Result<(), (StatusCode, String)> {
    let order = Order {
        order_no: order_no.to_owned(),
        trade_no: None,
        sent: "sending",
        confirmed_status: None,
        callbacks: 0,
    };
    shop.orders
        .lock()
        .map_err(poisoned)?
        .insert(order_no.to_owned(), order);
    Ok(())
}

/// Records what a send found out and answers with it.
fn record<A>(
    shop: &Shop,
    order_no: String,
    outcome: Result<Reconciled<A, thb::InquiryStatusResponse>, smilepayz::Error>,
    trade_no_of: impl Fn(&A) -> Option<String>,
) -> Answer {
    let (sent, trade_no, refusal) = match outcome {
        Ok(Reconciled::Created(answer)) => ("created", trade_no_of(&answer), None),
        Ok(Reconciled::AlreadyExists(status)) => ("exists", status.trade_no.clone(), None),
        Ok(Reconciled::NotCreated(error)) => (
            "not_created",
            None,
            Some((StatusCode::UNPROCESSABLE_ENTITY, error.to_string())),
        ),
        // Unknown even after asking: the order stays booked, to be asked about again later;
        // it is never sent again.
        Err(error) => (
            "unknown",
            None,
            Some((StatusCode::SERVICE_UNAVAILABLE, error.to_string())),
        ),
        Ok(_) => (
            "unknown",
            None,
            Some((
                StatusCode::SERVICE_UNAVAILABLE,
                "an outcome this service does not know".to_owned(),
            )),
        ),
    };
    let mut orders = shop.orders.lock().map_err(poisoned)?;
    let order = orders.get_mut(&order_no).ok_or((
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("order {order_no} was not booked"),
    ))?;
    order.sent = sent;
    if trade_no.is_some() {
        order.trade_no = trade_no;
    }
    match refusal {
        Some(refusal) => Err(refusal),
        None => Ok(Json(order.clone())),
    }
}

async fn create_pay_in(State(shop): State<Shop>, Json(new): Json<NewPayIn>) -> Answer {
    let order_no = OrderNo::generate(&shop.merchant_id).map_err(bad_request)?;
    let request = thb::PayInRequest::builder()
        .order_no(order_no.as_str())
        .purpose("Order at the example shop")
        .merchant(Merchant::new(shop.merchant_id.clone()))
        .money(TransactionMoney::parse(&new.amount).map_err(bad_request)?)
        .payment_method("QRPAY".parse::<PaymentMethod>().map_err(bad_request)?)
        .payer(Payer {
            name: Some(new.payer_name),
            account_no: Some(new.payer_account),
            bank_name: Some(new.payer_bank),
            ..Payer::new()
        })
        .callback_url(format!("{}/smilepayz/pay-in", shop.public_url))
        .build()
        .map_err(bad_request)?;
    book(&shop, order_no.as_str())?;
    let outcome = shop.client.send_reconciled(&request).await;
    record(
        &shop,
        order_no.to_string(),
        outcome,
        |a: &thb::PayInResponse| a.trade_no.clone(),
    )
}

async fn create_pay_out(State(shop): State<Shop>, Json(new): Json<NewPayOut>) -> Answer {
    let order_no = OrderNo::generate(&shop.merchant_id).map_err(bad_request)?;
    let request = thb::PayOutRequest::builder()
        .order_no(order_no.as_str())
        .purpose("Refund at the example shop")
        .merchant(Merchant::new(shop.merchant_id.clone()))
        .money(TransactionMoney::parse(&new.amount).map_err(bad_request)?)
        .payment_method(new.bank.parse::<PaymentMethod>().map_err(bad_request)?)
        .cash_account(new.account)
        .callback_url(format!("{}/smilepayz/pay-out", shop.public_url))
        .build()
        .map_err(bad_request)?;
    book(&shop, order_no.as_str())?;
    let outcome = shop.client.send_reconciled(&request).await;
    record(
        &shop,
        order_no.to_string(),
        outcome,
        |a: &thb::PayOutResponse| a.trade_no.clone(),
    )
}

async fn order(State(shop): State<Shop>, Path(order_no): Path<String>) -> Answer {
    let orders = shop.orders.lock().map_err(poisoned)?;
    orders
        .get(&order_no)
        .cloned()
        .map(Json)
        .ok_or((StatusCode::NOT_FOUND, format!("no order {order_no}")))
}

/// Asks inquiry-status for the order a verified callback names, and records the status the
/// gateway confirms. `Err` leaves the callback unanswered with SUCCESS, so it comes again.
async fn confirm(
    shop: &Shop,
    trade_type: TradeType,
    order_no: String,
) -> Result<Success, (StatusCode, String)> {
    let lookup = thb::InquiryStatusRequest::builder()
        .trade_type(trade_type)
        .order_no(order_no.as_str())
        .build()
        .map_err(bad_request)?;
    let status = shop
        .client
        .send(&lookup)
        .await
        .map_err(|e| (StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?;
    let mut orders = shop.orders.lock().map_err(poisoned)?;
    let order = orders
        .get_mut(&order_no)
        .ok_or((StatusCode::NOT_FOUND, format!("no order {order_no}")))?;
    order.callbacks += 1;
    order.confirmed_status = status.status.map(|s| s.to_string());
    Ok(Success)
}

async fn pay_in_callback(
    State(shop): State<Shop>,
    Callback(callback): Callback<thb::PayInNotification>,
) -> Result<Success, (StatusCode, String)> {
    confirm(&shop, TradeType::PayIn, callback.notification.order_no).await
}

async fn pay_out_callback(
    State(shop): State<Shop>,
    Callback(callback): Callback<thb::PayOutNotification>,
) -> Result<Success, (StatusCode, String)> {
    confirm(&shop, TradeType::PayOut, callback.notification.order_no).await
}
