//! Every example in the spec (the seed pages' examples among them) reads into its region's
//! types and writes back JSON-equal.

use serde::Serialize;
use smilepayz::endpoints::{inquiry_balance, inquiry_status, pay_in, pay_out};
use smilepayz::{FromRegionJson, Region};

/// Reads every example body of `endpoint` in every region that offers it as the run-time
/// region type `T` (the region's own typed message inside), checks it with `check`, and
/// writes it back JSON-equal. Returns how many bodies were read.
fn round_trip<T: FromRegionJson + Serialize>(
    endpoint: &str,
    request: bool,
    check: impl Fn(&T) -> Result<(), String>,
) -> usize {
    let mut bodies = 0;
    for region in Region::ALL {
        let Some(offered) = region.info().endpoint(endpoint) else {
            continue;
        };
        for example in offered.examples {
            let message = if request {
                example.request
            } else {
                example.response
            };
            let Some(body) = message.and_then(|m| m.body) else {
                continue;
            };
            let what = format!(
                "{region} {endpoint} {} {}",
                example.name,
                if request { "request" } else { "response" }
            );
            let typed = T::from_region_json(*region, body.as_bytes())
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            check(&typed).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_json_eq(body, &serde_json::to_string(&typed).expect("serializes"));
            bodies += 1;
        }
    }
    bodies
}

fn assert_json_eq(expected: &str, actual: &str) {
    let expected: serde_json::Value = serde_json::from_str(expected).expect("example is JSON");
    let actual: serde_json::Value = serde_json::from_str(actual).expect("output is JSON");
    assert_eq!(expected, actual);
}

#[test]
fn every_example_passes_its_regions_rules() {
    // Every endpoint of every region, through the run-time registry: no endpoint is named.
    // (The typed round trip of each endpoint's first example is a generated doc-test.)
    let mut total = 0;
    for region in Region::ALL {
        assert!(!region.endpoints().is_empty(), "{region} offers nothing");
        for offered in region.endpoints() {
            for example in offered.examples {
                if let Some(body) = example.request.and_then(|m| m.body) {
                    let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
                    smilepayz::rules::check(offered.request_rules, &json, region.info())
                        .unwrap_or_else(|e| {
                            panic!("{region} {} {}: {e}", offered.endpoint.id, example.name)
                        });
                    total += 1;
                }
                if let Some(body) = example.response.and_then(|m| m.body) {
                    let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
                    assert!(json.get(smilepayz::gateway::RESULT_CODE_FIELD).is_some());
                    total += 1;
                }
            }
        }
    }
    // Every body the spec's examples hold was checked, counted from the YAML itself, so that a
    // new region or endpoint needs no change here.
    let ids: Vec<&str> = smilepayz::gateway::ENDPOINTS.iter().map(|e| e.id).collect();
    assert!(total > 0);
    assert_eq!(total, bodies_in_spec(&ids));
}

/// The example bodies the spec's region files hold for these endpoints.
fn bodies_in_spec(endpoints: &[&str]) -> usize {
    let spec_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let spec = smilepayz_codegen::load(&spec_dir).expect("the spec loads");
    spec.regions
        .iter()
        .flat_map(|r| &r.spec.endpoints)
        .filter(|(id, _)| endpoints.contains(&id.as_str()))
        .flat_map(|(_, e)| &e.examples)
        .map(|e| {
            [&e.request, &e.response]
                .iter()
                .filter(|m| m.as_ref().is_some_and(|m| m.body.is_some()))
                .count()
        })
        .sum()
}

#[test]
fn every_example_reads_and_writes_back() {
    use smilepayz::gateway::SUCCESS_CODE;
    let valid = |e: Result<(), smilepayz::ValidationError>| e.map_err(|e| e.to_string());
    let mut bodies = 0;
    bodies += round_trip(
        inquiry_balance::ENDPOINT.id,
        true,
        |r: &inquiry_balance::AnyInquiryBalanceRequest| valid(r.validate()),
    );
    bodies += round_trip(
        inquiry_balance::ENDPOINT.id,
        false,
        |r: &inquiry_balance::AnyInquiryBalanceResponse| {
            // Balances are in the region's currency.
            if r.code() == SUCCESS_CODE
                && r.account_infos()
                    .iter()
                    .all(|i| i.amount.currency() == r.region().currency())
            {
                Ok(())
            } else {
                Err(format!("{r:?}"))
            }
        },
    );
    bodies += round_trip(
        inquiry_status::ENDPOINT.id,
        true,
        |r: &inquiry_status::AnyInquiryStatusRequest| valid(r.validate()),
    );
    bodies += round_trip(
        inquiry_status::ENDPOINT.id,
        false,
        |_: &inquiry_status::AnyInquiryStatusResponse| Ok(()),
    );
    bodies += round_trip(pay_in::ENDPOINT.id, true, |r: &pay_in::AnyPayInRequest| {
        valid(r.validate())
    });
    bodies += round_trip(
        pay_in::ENDPOINT.id,
        false,
        |r: &pay_in::AnyPayInResponse| match r.money() {
            Some(money) if money.region() != r.region() => Err(format!("{money:?}")),
            _ => Ok(()),
        },
    );
    bodies += round_trip(
        pay_out::ENDPOINT.id,
        true,
        |r: &pay_out::AnyPayOutRequest| valid(r.validate()),
    );
    bodies += round_trip(
        pay_out::ENDPOINT.id,
        false,
        |_: &pay_out::AnyPayOutResponse| Ok(()),
    );
    // Every example body the spec holds for these endpoints, counted from the YAML.
    let endpoints = [
        inquiry_balance::ENDPOINT.id,
        inquiry_status::ENDPOINT.id,
        pay_in::ENDPOINT.id,
        pay_out::ENDPOINT.id,
    ];
    assert!(bodies > 0);
    assert_eq!(bodies, bodies_in_spec(&endpoints));
}

#[test]
fn a_response_in_another_currency_is_an_error() {
    let body = smilepayz::regions::thb::INQUIRY_BALANCE_EXAMPLES
        .iter()
        .find_map(|e| e.response.and_then(|m| m.body))
        .expect("THB has a response example");
    let error = serde_json::from_str::<smilepayz::regions::thb::InquiryBalanceResponse>(
        &body.replace("\"THB\"", "\"USD\""),
    )
    .expect_err("USD is not THB");
    assert!(
        error
            .to_string()
            .contains("currency \"USD\" is not the Thailand region's currency THB"),
        "{error}"
    );
}

#[test]
fn account_infos_may_be_an_array_and_keep_their_form() {
    let body = r#"{"code":"00","message":"Successful","accountInfos":[
        {"balanceType":"BALANCE","amount":{"currency":"PEN","value":"10.50"},"availableBalance":{"currency":"PEN","value":"10.5"}},
        {"balanceType":"AVAILABLE","amount":{"currency":"PEN","value":"3"},"availableBalance":{"currency":"PEN","value":"3"}}],
        "additionalInfo":"{\"channel\":\"x\"}"}"#;
    let typed: smilepayz::regions::pen::InquiryBalanceResponse =
        serde_json::from_str(body).expect("reads");
    assert_eq!(typed.account_infos.len(), 2);
    let first = typed.account_infos.first().expect("first");
    assert_eq!(first.amount.value().to_string(), "10.50");
    assert_eq!(first.available_balance.value().to_string(), "10.5");
    let info = typed
        .extra
        .additional_info
        .as_ref()
        .expect("additionalInfo");
    assert_eq!(info.object().expect("a JSON object")["channel"], "x");
    assert_json_eq(body, &serde_json::to_string(&typed).expect("serializes"));
}

#[test]
fn the_vector_bodies_are_what_the_sdk_serializes() {
    use smilepayz::definitions::BalanceType;
    // The request bodies of the signature vectors, byte for byte.
    let usdt = smilepayz::regions::usdt::InquiryBalanceRequest::new(
        "21120030202403071031",
        [BalanceType::Balance],
    )
    .expect("valid");
    assert_eq!(
        serde_json::to_string(&usdt).expect("serializes"),
        r#"{"accountNo":"21120030202403071031","balanceTypes":["BALANCE"]}"#
    );
    let utf8 = smilepayz::regions::usdt::InquiryBalanceRequest::new(
        "ACC-ñ/ü \"q\"",
        [BalanceType::Balance],
    )
    .expect("valid");
    assert_eq!(
        serde_json::to_string(&utf8).expect("serializes"),
        r#"{"accountNo":"ACC-ñ/ü \"q\"","balanceTypes":["BALANCE"]}"#
    );
}

#[test]
fn requests_are_checked_against_the_region() {
    use smilepayz::definitions::BalanceType;
    use smilepayz::regions::{pen, thb};
    assert!(pen::InquiryBalanceRequest::new("1", [BalanceType::Available]).is_ok());
    let error = thb::InquiryBalanceRequest::new("1", [BalanceType::Available]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "balanceTypes[0]: AVAILABLE is not allowed in THB; use one of BALANCE"
    );
    let error =
        thb::InquiryBalanceRequest::new("x".repeat(129), [BalanceType::Balance]).unwrap_err();
    assert_eq!(
        error.field("accountNo").map(|p| p.message.as_str()),
        Some("is 129 characters long; at most 128 are allowed")
    );
    assert!(thb::InquiryBalanceRequest::new("ñ".repeat(128), [BalanceType::Balance]).is_ok());
    let error = thb::InquiryBalanceRequest::new("1", []).unwrap_err();
    assert!(error.field("balanceTypes").is_some(), "{error}");
    // An unknown balance type from the gateway is kept, not refused.
    let unknown: BalanceType = serde_json::from_str("\"FROZEN\"").expect("reads");
    assert_eq!(unknown, BalanceType::Unknown("FROZEN".to_owned()));
    assert_eq!(
        serde_json::to_string(&unknown).expect("writes"),
        "\"FROZEN\""
    );
}

#[test]
fn regions_parse_from_their_code_in_any_case() {
    assert_eq!("thb".parse::<Region>().ok(), Some(Region::Thb));
    assert_eq!(" USDT ".parse::<Region>().ok(), Some(Region::Usdt));
    assert_eq!(Region::Pen.to_string(), "PEN");
    assert_eq!(Region::Pen.utc_offset(), "-05:00");
    assert_eq!("idr".parse::<Region>().ok(), Some(Region::Idr));
    let error = "VND".parse::<Region>().expect_err("not in the spec");
    let codes: Vec<&str> = Region::ALL.iter().map(|r| r.code()).collect();
    assert!(error.to_string().contains(&codes.join(", ")), "{error}");
}

#[test]
fn inquiry_status_builder_names_every_offending_field() {
    use smilepayz::definitions::{BalanceType, TradeType, TransactionStatus};
    use smilepayz::regions::thb;

    // Neither orderNo nor tradeNo, and no tradeType: every problem at once.
    let error = thb::InquiryStatusRequest::builder().build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "(body): needs at least one of orderNo, tradeNo in THB; tradeType: required in THB"
    );
    // A mandatory field missing does not hide what is wrong with the fields that are set.
    let error = thb::InquiryStatusRequest::builder()
        .order_no("ab-1")
        .build()
        .unwrap_err();
    assert!(error.field("tradeType").is_some(), "{error}");
    assert_eq!(
        error.field("orderNo").map(|p| p.message.as_str()),
        Some("is 4 characters long; at least 6 are needed"),
        "{error}"
    );
    let error = thb::InquiryBalanceRequest::builder()
        .balance_types([BalanceType::Available])
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "accountNo: required in THB; balanceTypes[0]: AVAILABLE is not allowed in THB; use one of BALANCE"
    );
    let error = thb::InquiryStatusRequest::builder()
        .trade_type(TradeType::PayIn)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "(body): needs at least one of orderNo, tradeNo in THB"
    );
    let error = thb::InquiryStatusRequest::builder()
        .trade_type(TradeType::PayOut)
        .order_no("ab-1")
        .build()
        .unwrap_err();
    assert_eq!(error.problems().len(), 2, "{error}");
    assert!(error.field("orderNo").is_some(), "{error}");

    let request = thb::InquiryStatusRequest::builder()
        .trade_type(TradeType::PayIn)
        .order_no("S20001A1B2C3")
        .build()
        .expect("valid");
    assert_eq!(
        serde_json::to_string(&request).expect("serializes"),
        r#"{"tradeType":1,"orderNo":"S20001A1B2C3"}"#
    );

    // A status the spec does not list is kept, and written back as it came.
    let body = r#"{"code":"00","message":"Successful","money":{"amount":800.50,"currency":"THB"},"status":"REFUNDED","tradeType":1}"#;
    let response: thb::InquiryStatusResponse = serde_json::from_str(body).expect("reads");
    assert_eq!(
        response.status,
        Some(TransactionStatus::Unknown("REFUNDED".to_owned()))
    );
    // The amount keeps its digits: 800.50, not the float 800.5.
    assert_eq!(
        response.money.expect("money").amount().to_string(),
        "800.50"
    );
    assert_eq!(
        serde_json::to_string(&response).expect("writes"),
        r#"{"code":"00","message":"Successful","tradeType":1,"money":{"currency":"THB","amount":800.50},"status":"REFUNDED"}"#
    );
    // A closed enum refuses what it does not list.
    assert!(serde_json::from_str::<TradeType>("3").is_err());
}

#[test]
fn request_amounts_are_checked_against_the_region_money_format() {
    use smilepayz::rules::{Field, Kind, MoneyShape, Object};
    // A request rule with one money field, checked in THB (#.##) and USDT (#.####).
    const RULES: Object = Object {
        fields: &[Field {
            name: "money",
            required: true,
            kind: Kind::Money {
                shape: MoneyShape::AmountNumber,
                minimum: None,
                maximum: None,
            },
        }],
        at_least_one_of: &[],
        required_when: &[],
    };
    let body = |currency: &str, amount: &str| -> serde_json::Value {
        serde_json::from_str(&format!(
            r#"{{"money":{{"currency":"{currency}","amount":{amount}}}}}"#
        ))
        .expect("JSON")
    };
    let thb = Region::Thb.info();
    assert!(smilepayz::rules::check(&RULES, &body("THB", "100.25"), thb).is_ok());
    let error = smilepayz::rules::check(&RULES, &body("THB", "100.125"), thb).unwrap_err();
    assert_eq!(
        error.to_string(),
        "money.amount: 100.125 has 3 decimal places; THB amounts have at most 2 (#.##)"
    );
    let usdt = Region::Usdt.info();
    assert!(smilepayz::rules::check(&RULES, &body("USDT", "100.1234"), usdt).is_ok());
    let error = smilepayz::rules::check(&RULES, &body("THB", "1"), usdt).unwrap_err();
    assert!(error.field("money.currency").is_some(), "{error}");
}

#[test]
fn request_amounts_are_more_than_zero_and_within_the_field_bounds() {
    use smilepayz::rules::{Field, Kind, MoneyShape, Object};
    const RULES: Object = Object {
        fields: &[Field {
            name: "money",
            required: true,
            kind: Kind::Money {
                shape: MoneyShape::AmountNumber,
                minimum: Some("10000"),
                maximum: Some("999999999"),
            },
        }],
        at_least_one_of: &[],
        required_when: &[],
    };
    let thb = Region::Thb.info();
    let check = |amount: &str| {
        let body: serde_json::Value = serde_json::from_str(&format!(
            r#"{{"money":{{"currency":"THB","amount":{amount}}}}}"#
        ))
        .expect("JSON");
        smilepayz::rules::check(&RULES, &body, thb).map_err(|e| e.to_string())
    };
    assert_eq!(check("10000"), Ok(()));
    assert_eq!(check("999999999"), Ok(()));
    for (amount, expected) in [
        ("-500000", "money.amount: must be more than 0"),
        ("0", "money.amount: must be more than 0"),
        ("-0.00", "money.amount: must be more than 0"),
        (
            "9999.99",
            "money.amount: is 9999.99; the least allowed in THB is 10000",
        ),
        (
            "1000000000",
            "money.amount: is 1000000000; the greatest allowed in THB is 999999999",
        ),
        (
            "18446744073709551615",
            "money.amount: is 18446744073709551615; the largest amount a request may carry is 999999999999999",
        ),
        (
            "1e25",
            "money.amount: is 1e+25; the largest amount a request may carry is 999999999999999",
        ),
        ("-1e25", "money.amount: must be more than 0"),
    ] {
        assert_eq!(check(amount), Err(expected.to_owned()), "{amount}");
    }
}

/// Indonesia's OVO payer phone: mandatory exactly when paymentMethod is W_OVO, by the raw-body
/// rules and by the typed request's own check, with the same words.
#[test]
fn a_field_required_when_another_has_a_value_is_refused_only_then() {
    let idr = Region::Idr.info();
    let rules = idr.endpoint("pay-in").expect("IDR pay-in").request_rules;
    let body = |method: &str, phone: Option<&str>| {
        let mut body = serde_json::json!({
            "orderNo": "S20001OVO0001",
            "purpose": "Order 1",
            "merchant": {"merchantId": "sandbox-20001"},
            "money": {"currency": "IDR", "amount": 150000},
            "paymentMethod": method,
            "payer": {"name": "Budi"},
        });
        if let Some(phone) = phone {
            body["payer"]["phone"] = phone.into();
        }
        body
    };
    let expected = "payer.phone: required in IDR when paymentMethod is W_OVO";
    for (method, phone, refused) in [
        ("W_OVO", None, true),
        ("W_OVO", Some("0823239232823"), false),
        ("QRIS", None, false),
    ] {
        let json = body(method, phone);
        let raw = smilepayz::rules::check(rules, &json, idr);
        let typed: smilepayz::regions::idr::PayInRequest =
            serde_json::from_value(json.clone()).expect("an IDR pay-in");
        let checked = typed.validate();
        assert_eq!(raw.is_err(), refused, "{method} {phone:?}: {raw:?}");
        assert_eq!(checked.is_err(), refused, "{method} {phone:?}: {checked:?}");
        if refused {
            assert_eq!(raw.expect_err("refused").to_string(), expected);
            assert_eq!(checked.expect_err("refused").to_string(), expected);
        }
    }
    // Without a payer at all, the phone under it is still what is missing.
    let mut json = body("W_OVO", None);
    json.as_object_mut().expect("an object").remove("payer");
    let error = smilepayz::rules::check(rules, &json, idr).expect_err("refused");
    assert_eq!(error.to_string(), expected);
}

/// A region narrows the open IdType enum to its codes: Colombia takes CC, not Chile's RUT.
#[test]
fn a_region_narrows_the_identity_document_codes() {
    let cop = Region::Cop.info();
    let rules = cop.endpoint("pay-out").expect("COP pay-out").request_rules;
    let mut body: serde_json::Value = serde_json::from_str(
        cop.endpoint("pay-out")
            .expect("COP pay-out")
            .examples
            .iter()
            .find_map(|e| e.request.and_then(|m| m.body))
            .expect("an example"),
    )
    .expect("JSON");
    body["receiver"]["idType"] = "CC".into();
    assert!(smilepayz::rules::check(rules, &body, cop).is_ok());
    body["receiver"]["idType"] = "RUT".into();
    let error = smilepayz::rules::check(rules, &body, cop).expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("receiver.idType: RUT is not allowed in COP"),
        "{error}"
    );
}

/// Peru, Colombia and Chile take the receiver's document number under either of its two
/// names (`idNumber`, the newest pages'; `identity`, the demos'), and need one of them: the
/// raw-body rules and the typed request's own check refuse a receiver without either, in the
/// same words.
#[test]
fn a_receiver_needs_its_document_number_under_one_of_its_two_names() {
    for region in [Region::Pen, Region::Cop, Region::Clp] {
        let info = region.info();
        let endpoint = info.endpoint("pay-out").expect("pay-out");
        let mut body: serde_json::Value = serde_json::from_str(
            endpoint
                .examples
                .iter()
                .find_map(|e| e.request.and_then(|m| m.body))
                .expect("an example"),
        )
        .expect("JSON");
        let receiver = body["receiver"].as_object_mut().expect("a receiver");
        let number = receiver
            .remove("idNumber")
            .or_else(|| receiver.remove("identity"))
            .expect("the example sends a document number");
        let expected = format!(
            "receiver: needs at least one of idNumber, identity in {}",
            info.code
        );
        for (key, value, refused) in [
            (None, None, true),
            (Some("idNumber"), Some(number.clone()), false),
            (Some("identity"), Some(number.clone()), false),
            // An empty string counts as not sent, as everywhere in the rules.
            (Some("idNumber"), Some("".into()), true),
        ] {
            let mut json = body.clone();
            if let (Some(key), Some(value)) = (key, value) {
                json["receiver"][key] = value;
            }
            let raw = smilepayz::rules::check(endpoint.request_rules, &json, info);
            let typed = match region {
                Region::Pen => {
                    serde_json::from_value::<smilepayz::regions::pen::PayOutRequest>(json.clone())
                        .map(|r| r.validate())
                }
                Region::Cop => {
                    serde_json::from_value::<smilepayz::regions::cop::PayOutRequest>(json.clone())
                        .map(|r| r.validate())
                }
                _ => serde_json::from_value::<smilepayz::regions::clp::PayOutRequest>(json.clone())
                    .map(|r| r.validate()),
            }
            .expect("a pay-out of the region");
            assert_eq!(raw.is_err(), refused, "{region:?} {key:?}: {raw:?}");
            assert_eq!(typed.is_err(), refused, "{region:?} {key:?}: {typed:?}");
            if refused {
                assert_eq!(raw.expect_err("refused").to_string(), expected);
                assert_eq!(typed.expect_err("refused").to_string(), expected);
            }
        }
    }
}

/// Where a region has one pay-in method (Colombia's CASHIER_CO, Chile's CASHIER_CL, Peru's
/// CASHIER_PE), it is the region's default: `build()` and `new()` fill it in when it is left
/// unset, and keep a value that is set. A raw body is judged as sent: without the field it is
/// refused, since the gateway needs it.
#[test]
fn a_region_default_is_filled_in_where_the_caller_leaves_it_unset() {
    use smilepayz::definitions::{Merchant, Payer};
    use smilepayz::regions::{clp::Clp, cop::Cop, pen::Pen};
    fn check<R: pay_in::PayInVariant>(expected: &str, needs_payer: bool) {
        let code = R::INFO.code;
        let money = || smilepayz::TransactionMoney::<R>::parse("20000").expect("an amount");
        let builder = || {
            pay_in::PayInRequest::<R>::builder()
                .order_no("S20001DEFAULT01")
                .purpose("Order 1")
                .merchant(Merchant::new("sandbox-20001"))
                .money(money())
                .payer(Payer {
                    name: Some("Ana Torres".to_owned()),
                    ..Payer::default()
                })
        };
        let built = builder().build().expect("valid with the default");
        let method =
            |r: &pay_in::PayInRequest<R>| r.payment_method.as_ref().map(|m| m.as_str().to_owned());
        assert_eq!(method(&built).as_deref(), Some(expected), "{code}");
        // `new()` takes the mandatory fields only: where the region also needs a payer, it
        // names the payer and not the method.
        let made = pay_in::PayInRequest::<R>::new(
            "S20001DEFAULT01",
            "Order 1",
            Merchant::new("sandbox-20001"),
            money(),
        );
        if needs_payer {
            let error = made.expect_err("no payer");
            assert_eq!(error.to_string(), format!("payer: required in {code}"));
        } else {
            let made = made.expect("valid with the default");
            assert_eq!(method(&made).as_deref(), Some(expected), "{code}");
        }
        // A value that is set is kept, and judged.
        let error = builder()
            .payment_method(
                "CARD"
                    .parse::<smilepayz::definitions::PaymentMethod>()
                    .expect("an open enum keeps any code"),
            )
            .build()
            .expect_err("CARD is not this region's method");
        assert!(
            error
                .to_string()
                .contains(&format!("paymentMethod: CARD is not allowed in {code}")),
            "{error}"
        );
        let mut json = serde_json::to_value(&built).expect("JSON");
        json.as_object_mut()
            .expect("an object")
            .remove("paymentMethod");
        let error = smilepayz::rules::check(&R::REQUEST_RULES, &json, &R::INFO)
            .expect_err("the gateway needs the field");
        assert_eq!(
            error.to_string(),
            format!("paymentMethod: required in {code}")
        );
    }
    check::<Cop>("CASHIER_CO", false);
    check::<Clp>("CASHIER_CL", true);
    check::<Pen>("CASHIER_PE", false);
}

/// Brazil's PIX fields and Indonesia's settlement account are fields of those regions' own
/// inside the shared payer and receiver: in their types (`extra`), written inside the object,
/// checked by the region's rules, and no field of the object anywhere else.
#[test]
fn a_regions_own_fields_inside_a_shared_object_are_its_alone() {
    use smilepayz::ApiRequest;
    use smilepayz::regions::brl::{self, pay_in::PayerPixType};
    use smilepayz::regions::idr;

    // The plain payer needs no type annotation, as before the regions' own fields existed.
    let plain = smilepayz::definitions::Payer::new();
    assert_eq!(plain.extra, smilepayz::NoExtraFields {});
    // Brazil's pay-in payer, typed: the PIX key inside `payer`, as the gateway reads it.
    let payer = brl::pay_in::Payer {
        name: Some("Joao Silva".to_owned()),
        extra: brl::pay_in::PayInPayerExtra {
            pix_type: Some(PayerPixType::Cpf),
            pix_account: Some("12345678909".to_owned()),
        },
        ..brl::pay_in::Payer::default()
    };
    let request = brl::PayInRequest::builder()
        .order_no("S20001PIX00001")
        .purpose("Order 1")
        .merchant(smilepayz::definitions::Merchant::new("sandbox-20001"))
        .money(smilepayz::TransactionMoney::parse("50.00").expect("an amount"))
        .payment_method(
            "PIX"
                .parse::<smilepayz::definitions::PaymentMethod>()
                .expect("a code"),
        )
        .payer(payer.clone())
        .build()
        .expect("valid");
    let mut body = Vec::new();
    request.write_body(&mut body);
    let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(
        json["payer"],
        serde_json::json!({"name": "Joao Silva", "pixType": "CPF", "pixAccount": "12345678909"})
    );
    // Read back, the fields are in `extra` again.
    let read: brl::PayInRequest = serde_json::from_value(json.clone()).expect("a pay-in");
    assert_eq!(read.payer.as_ref(), Some(&payer));
    // The run-time request gives the shared fields, the same type in every region.
    let any = smilepayz::endpoints::pay_in::AnyPayInRequest::from(request.clone());
    assert_eq!(
        any.payer().and_then(|p| p.name),
        Some("Joao Silva".to_owned())
    );

    // Brazil's rules check the key's shape; the typed check says the same.
    let mut broken = request;
    if let Some(payer) = broken.payer.as_mut() {
        payer.extra.pix_account = Some("123".to_owned());
    }
    let expected = "payer.pixAccount: must match [0-9]{11}|[0-9]{14}";
    let typed = broken.validate().expect_err("a 3-digit key");
    assert!(typed.to_string().contains(expected), "{typed}");
    let brl_info = smilepayz::Region::Brl.info();
    let rules = brl_info
        .endpoint("pay-in")
        .expect("BRL pay-in")
        .request_rules;
    let raw = smilepayz::rules::check(
        rules,
        &serde_json::to_value(&broken).expect("JSON"),
        brl_info,
    )
    .expect_err("a 3-digit key");
    assert_eq!(raw.to_string(), typed.to_string());

    // In Thailand the same body's PIX fields are no field of the payer.
    let thb = smilepayz::Region::Thb.info();
    let mut thai = json;
    thai["money"]["currency"] = "THB".into();
    thai["paymentMethod"] = "QRPAY".into();
    thai["payer"]["accountNo"] = "1234567890".into();
    thai["payer"]["bankName"] = "KBANK".into();
    let error = smilepayz::rules::check(
        thb.endpoint("pay-in").expect("THB pay-in").request_rules,
        &thai,
        thb,
    )
    .expect_err("Brazil's fields");
    assert!(
        error
            .to_string()
            .contains("payer.pixAccount: is not a field of this message in THB"),
        "{error}"
    );

    // Indonesia's settlement account inside the receiver, written where the gateway reads it.
    let receiver = idr::pay_out::Receiver {
        name: Some("Budi".to_owned()),
        extra: idr::pay_out::PayOutReceiverExtra {
            account_no: Some("2033924234782342".to_owned()),
        },
        ..idr::pay_out::Receiver::default()
    };
    let json = serde_json::to_value(&receiver).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({"name": "Budi", "accountNo": "2033924234782342"})
    );
}
