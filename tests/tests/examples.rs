//! Every example in the spec (the seed pages' examples among them) reads into its region's
//! types and writes back JSON-equal.

use smilepayz::endpoints::inquiry_balance::{
    InquiryBalanceRequest, InquiryBalanceResponse, InquiryBalanceVariant,
};
use smilepayz::regions::{AnyRegion, RegionVisitor};
use smilepayz::{Example, GatewayResponse, Region};

struct RoundTrip;

impl RegionVisitor for RoundTrip {
    type Output = (&'static [Example], usize);

    fn visit<R: AnyRegion>(self) -> Self::Output {
        let examples = <R as InquiryBalanceVariant>::EXAMPLES;
        let mut bodies = 0;
        for example in examples {
            if let Some(body) = example.request.and_then(|m| m.body) {
                let typed: InquiryBalanceRequest<R> = serde_json::from_str(body)
                    .unwrap_or_else(|e| panic!("{} {} request: {e}", R::INFO.code, example.name));
                typed
                    .validate()
                    .unwrap_or_else(|e| panic!("{} {} request: {e}", R::INFO.code, example.name));
                assert_json_eq(body, &serde_json::to_string(&typed).expect("serializes"));
                bodies += 1;
            }
            if let Some(body) = example.response.and_then(|m| m.body) {
                let typed: InquiryBalanceResponse<R> = serde_json::from_str(body)
                    .unwrap_or_else(|e| panic!("{} {} response: {e}", R::INFO.code, example.name));
                assert_eq!(typed.result_code(), "00");
                for info in &typed.account_infos {
                    assert_eq!(info.amount.currency(), R::INFO.currency);
                }
                assert_json_eq(body, &serde_json::to_string(&typed).expect("serializes"));
                bodies += 1;
            }
        }
        (examples, bodies)
    }
}

fn assert_json_eq(expected: &str, actual: &str) {
    let expected: serde_json::Value = serde_json::from_str(expected).expect("example is JSON");
    let actual: serde_json::Value = serde_json::from_str(actual).expect("output is JSON");
    assert_eq!(expected, actual);
}

#[test]
fn every_example_reads_and_writes_back() {
    let mut total = 0;
    for region in Region::ALL {
        let (examples, bodies) = region.visit(RoundTrip);
        assert!(!examples.is_empty(), "{region} has no examples");
        total += bodies;
    }
    // Every body the spec's examples hold was checked, counted from the YAML itself, so that a
    // new region file needs no change here.
    let spec_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let spec = smilepayz_codegen::load(&spec_dir).expect("the spec loads");
    let in_spec: usize = spec
        .regions
        .iter()
        .flat_map(|r| r.spec.endpoints.values())
        .flat_map(|e| &e.examples)
        .map(|e| {
            [&e.request, &e.response]
                .iter()
                .filter(|m| m.as_ref().is_some_and(|m| m.body.is_some()))
                .count()
        })
        .sum();
    assert!(in_spec > 0);
    assert_eq!(total, in_spec);
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
    use smilepayz::BalanceType;
    // The request bodies of the signature vectors, byte for byte.
    let usdt = smilepayz::regions::usdt::InquiryBalanceRequest::new(
        "21120030202403071031",
        [BalanceType::BALANCE],
    )
    .expect("valid");
    assert_eq!(
        serde_json::to_string(&usdt).expect("serializes"),
        r#"{"accountNo":"21120030202403071031","balanceTypes":["BALANCE"]}"#
    );
    let utf8 = smilepayz::regions::usdt::InquiryBalanceRequest::new(
        "ACC-ñ/ü \"q\"",
        [BalanceType::BALANCE],
    )
    .expect("valid");
    assert_eq!(
        serde_json::to_string(&utf8).expect("serializes"),
        r#"{"accountNo":"ACC-ñ/ü \"q\"","balanceTypes":["BALANCE"]}"#
    );
}

#[test]
fn requests_are_checked_against_the_region() {
    use smilepayz::regions::{pen, thb};
    use smilepayz::{BalanceType, ValidationError};
    assert!(pen::InquiryBalanceRequest::new("1", [BalanceType::AVAILABLE]).is_ok());
    assert!(matches!(
        thb::InquiryBalanceRequest::new("1", [BalanceType::AVAILABLE]),
        Err(ValidationError::BalanceTypeNotOffered { region: "THB", .. })
    ));
    assert!(matches!(
        thb::InquiryBalanceRequest::new("x".repeat(129), [BalanceType::BALANCE]),
        Err(ValidationError::TooLong {
            max: 128,
            length: 129,
            ..
        })
    ));
    assert!(thb::InquiryBalanceRequest::new("ñ".repeat(128), [BalanceType::BALANCE]).is_ok());
    assert!(matches!(
        thb::InquiryBalanceRequest::new("1", []),
        Err(ValidationError::Empty { .. })
    ));
}

#[test]
fn regions_parse_from_their_code_in_any_case() {
    assert_eq!("thb".parse::<Region>().ok(), Some(Region::Thb));
    assert_eq!(" USDT ".parse::<Region>().ok(), Some(Region::Usdt));
    assert_eq!(Region::Pen.to_string(), "PEN");
    assert_eq!(Region::Pen.utc_offset(), "-05:00");
    let error = "IDR".parse::<Region>().expect_err("not in the spec");
    let codes: Vec<&str> = Region::ALL.iter().map(|r| r.code()).collect();
    assert!(error.to_string().contains(&codes.join(", ")), "{error}");
}
