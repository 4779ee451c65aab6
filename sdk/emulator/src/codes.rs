//! The emulator's result codes: **the emulator's own, not the gateway's.**
//!
//! Smilepayz publishes no v2.0 error-code table, so the emulator makes up its codes in the
//! style of SNAP BI (the Indonesian standard Smilepayz v2.0 borrows from): seven digits, the
//! HTTP status, then the endpoint's two-digit service code from the spec, then a two-digit
//! case, so `4011101` is status 401, service `11` (inquiry-balance), case `01` (signature
//! mismatch). Each endpoint with behaviour of its own has a module of constants named for
//! what they mean: [`pay_out::INSUFFICIENT_BALANCE`] is `4009107`, [`pay_in::DUPLICATE_ORDER`]
//! `4099001`, [`inquiry_status::TRANSACTION_NOT_FOUND`] `4049204`; [`on_endpoint`] gives any
//! other endpoint's. Requests the emulator cannot route to an endpoint use the service code
//! [`GENERAL_SERVICE_CODE`] (`00`). Every check has its own code; the full table is in the
//! [module documentation](super#result-codes).
//!
//! A real gateway answers the same mistakes with other codes. Test your error handling
//! against the HTTP status and "code is not `00`", and use these constants only to tell the
//! emulator's rejections apart.

/// The service code of requests that reach no endpoint (wrong method or unknown path).
pub const GENERAL_SERVICE_CODE: &str = "00";

/// The same check's code on another endpoint, for an endpoint added to the spec that has no
/// module of constants here: `on_endpoint(inquiry_balance::INVALID_BODY_FIELDS, &ENDPOINT)`
/// gives the code an endpoint with service code `92` answers with, `4009206` (the same as
/// [`inquiry_status::INVALID_BODY_FIELDS`]).
pub fn on_endpoint(code: &str, endpoint: &smilepayz::EndpointInfo) -> String {
    if code.len() == 7 && code.is_ascii() {
        format!("{}{}{}", &code[..3], endpoint.service_code, &code[5..])
    } else {
        code.to_owned()
    }
}

/// The seven ASCII digits of a code. Evaluated at compile time (every code is a constant), so
/// a service code in the spec that is not two digits stops the build, not a request.
const fn digits(status: u16, service_code: &str, case: &str) -> [u8; 7] {
    let service = service_code.as_bytes();
    let case = case.as_bytes();
    assert!(
        matches!(status, 100..=599),
        "an HTTP status has three digits"
    );
    assert!(
        service.len() == 2 && service[0].is_ascii_digit() && service[1].is_ascii_digit(),
        "a service code is two digits"
    );
    assert!(
        case.len() == 2 && case[0].is_ascii_digit() && case[1].is_ascii_digit(),
        "a case is two digits"
    );
    [
        b'0' + (status / 100) as u8,
        b'0' + (status / 10 % 10) as u8,
        b'0' + (status % 10) as u8,
        service[0],
        service[1],
        case[0],
        case[1],
    ]
}

/// The digits as text (they are ASCII, so this cannot fail; checked at compile time).
const fn text(digits: &'static [u8; 7]) -> &'static str {
    match core::str::from_utf8(digits) {
        Ok(text) => text,
        Err(_) => panic!("a code is ASCII digits"),
    }
}

/// Whether two strings are equal, at compile time.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A code as a `&'static str` constant, computed at compile time.
macro_rules! code {
    ($status:expr, $service:expr, $case:expr) => {{
        const DIGITS: [u8; 7] = $crate::codes::digits($status, $service, $case);
        $crate::codes::text(&DIGITS)
    }};
}

/// `4050001` (HTTP 405): the method is not `POST` (every v2.0 endpoint is `POST`).
pub const METHOD_NOT_ALLOWED: &str = code!(405, GENERAL_SERVICE_CODE, "01");
/// `4040001` (HTTP 404): the path is not an endpoint of the spec.
pub const UNKNOWN_PATH: &str = code!(404, GENERAL_SERVICE_CODE, "01");

/// Defines the checks every endpoint makes once: as the crate's `Check` enum (status and case
/// of each) and, per endpoint, as a module of `&str` constants with the endpoint's service
/// code. Adding an endpoint is one more line under `endpoints`.
///
/// Each endpoint line gives the endpoint and, for the documentation only, its service code as
/// a literal; the build fails if the literal and the spec disagree.
macro_rules! define_codes {
    (
        endpoints { $( $(#[$module_doc:meta])* $module:ident => $endpoint:expr, $service:literal; )* }
        checks $checks:tt
    ) => {
        define_codes!(@enum $checks);
        $( define_codes!(@module $(#[$module_doc])* $module => $endpoint, $service; $checks); )*
    };
    (@enum {
        $( $(#[$doc:meta])* $variant:ident / $name:ident = $status:literal, $case:literal; )*
    }) => {
        /// A check a routed request can fail (or a fault the emulator injects).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Check {
            $( $(#[$doc])* $variant, )*
        }

        impl Check {
            /// Every check, in table order.
            #[cfg(test)]
            pub(crate) const ALL: &'static [Check] = &[$(Check::$variant,)*];

            /// The HTTP status of the answer.
            pub(crate) const fn status(self) -> u16 {
                match self {
                    $( Check::$variant => $status, )*
                }
            }

            /// The case, the last two digits of the code.
            pub(crate) const fn case(self) -> &'static str {
                match self {
                    $( Check::$variant => $case, )*
                }
            }

            /// The constant's name, for logs.
            pub(crate) const fn name(self) -> &'static str {
                match self {
                    $( Check::$variant => stringify!($name), )*
                }
            }

            /// The code on the endpoint with this service code.
            pub(crate) fn code(self, service_code: &str) -> String {
                format!("{}{service_code}{}", self.status(), self.case())
            }
        }
    };
    (@module $(#[$module_doc:meta])* $module:ident => $endpoint:expr, $service:literal; {
        $( $(#[$doc:meta])* $variant:ident / $name:ident = $status:literal, $case:literal; )*
    }) => {
        $(#[$module_doc])*
        pub mod $module {
            const _: () = assert!(
                super::same($endpoint.service_code, $service),
                "the service code in `define_codes!` differs from the spec's"
            );

            $(
                #[doc = concat!("`", stringify!($status), $service, $case, "` (HTTP ", stringify!($status), "):")]
                $(#[$doc])*
                pub const $name: &str = code!($status, $endpoint.service_code, $case);
            )*

            /// Each check with its constant, to test that the two agree.
            #[cfg(test)]
            pub(crate) const TABLE: &[(super::Check, &str)] = &[$((super::Check::$variant, $name),)*];
        }
    };
}

define_codes! {
    endpoints {
        /// The codes of `POST /v2.0/inquiry-balance` (service code `11`).
        inquiry_balance => smilepayz::endpoints::inquiry_balance::ENDPOINT, "11";
        /// The codes of `POST /v2.0/inquiry-status` (service code `92`).
        inquiry_status => smilepayz::endpoints::inquiry_status::ENDPOINT, "92";
        /// The codes of `POST /v2.0/transaction/pay-in` (service code `90`).
        pay_in => smilepayz::endpoints::pay_in::ENDPOINT, "90";
        /// The codes of `POST /v2.0/disbursement/pay-out` (service code `91`).
        pay_out => smilepayz::endpoints::pay_out::ENDPOINT, "91";
    }
    checks {
        /// The body is longer than the emulator's limit
        /// (`EmulatorBuilder::max_body_bytes`, 64 KiB by default).
        BodyTooLarge / BODY_TOO_LARGE = 413, "01";
        /// `Content-Type` is not `application/json` (a `charset` parameter
        /// is allowed, and must then be UTF-8).
        ContentTypeNotJson / CONTENT_TYPE_NOT_JSON = 415, "01";
        /// There is no `Content-Type` header.
        ContentTypeMissing / CONTENT_TYPE_MISSING = 415, "02";
        /// A required header (`X-TIMESTAMP`, `X-SIGNATURE`,
        /// `X-PARTNER-ID`) is missing.
        MissingHeader / MISSING_HEADER = 400, "01";
        /// A required header is sent more than once.
        RepeatedHeader / REPEATED_HEADER = 400, "02";
        /// `X-TIMESTAMP` is neither `yyyy-MM-ddTHH:mm:ss±HH:mm` nor the same
        /// ending in `Z` (UTC).
        MalformedTimestamp / MALFORMED_TIMESTAMP = 400, "03";
        /// The body is not UTF-8.
        BodyNotUtf8 / BODY_NOT_UTF8 = 400, "04";
        /// The body is not JSON (syntax error, empty or truncated).
        BodyNotJson / BODY_NOT_JSON = 400, "05";
        /// The JSON breaks the region's rules for the endpoint: a field is
        /// missing, has the wrong type, is too long, or holds a value the
        /// region does not allow. The message names each field by JSON path.
        InvalidBodyFields / INVALID_BODY_FIELDS = 400, "06";
        /// `X-SIGNATURE` is well formed but does not match the timestamp,
        /// merchant secret and body (or another key signed it).
        SignatureMismatch / SIGNATURE_MISMATCH = 401, "01";
        /// `X-SIGNATURE` is not standard padded Base64.
        SignatureNotBase64 / SIGNATURE_NOT_BASE64 = 401, "02";
        /// `X-SIGNATURE` decodes to the wrong number of bytes for the
        /// merchant's scheme and key.
        SignatureWrongLength / SIGNATURE_WRONG_LENGTH = 401, "03";
        /// `X-TIMESTAMP` is further from the emulator's clock than the
        /// allowed skew (300 s by default).
        TimestampOutOfWindow / TIMESTAMP_OUT_OF_WINDOW = 401, "04";
        /// `X-PARTNER-ID` is not a registered merchant.
        UnknownPartner / UNKNOWN_PARTNER = 401, "05";
        /// The merchant's region does not offer the endpoint.
        EndpointNotOffered / ENDPOINT_NOT_OFFERED = 404, "03";
        /// `inquiry-status`: no transaction of this merchant has this
        /// `tradeNo` or `orderNo` with this `tradeType`.
        TransactionNotFound / TRANSACTION_NOT_FOUND = 404, "04";
        /// Pay-in or pay-out: the merchant already used this `orderNo` for
        /// the same kind of order.
        DuplicateOrder / DUPLICATE_ORDER = 409, "01";
        /// Pay-out: the pay-out account's available balance is less than the
        /// amount; nothing was held.
        InsufficientBalance / INSUFFICIENT_BALANCE = 400, "07";
        /// Pay-in or pay-out: `callbackUrl` is not an `http://` or `https://`
        /// URL with a host.
        CallbackUrlRefused / CALLBACK_URL_REFUSED = 400, "08";
        /// Pay-in or pay-out: the emulator's books refuse the movement on their
        /// own (an amount that is not more than 0, or one that would make a
        /// balance negative or overflow), whatever the rules let through;
        /// nothing was booked.
        MovementRefused / MOVEMENT_REFUSED = 400, "09";
        /// The emulator holds as many transactions as it may
        /// (`EmulatorBuilder::max_transactions`).
        TooManyTransactions / TOO_MANY_TRANSACTIONS = 503, "02";
        /// A bug in the emulator (its ledger or a serializer failed);
        /// please report it.
        InternalError / INTERNAL_ERROR = 500, "01";
        /// A server error injected by `Faults::server_error_rate`.
        InjectedServerError / INJECTED_SERVER_ERROR = 503, "01";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_agree_with_the_checks_and_are_distinct() {
        let service = smilepayz::endpoints::inquiry_balance::ENDPOINT.service_code;
        assert_eq!(inquiry_balance::TABLE.len(), Check::ALL.len());
        let mut seen = std::collections::HashSet::new();
        for (check, constant) in inquiry_balance::TABLE {
            assert_eq!(check.code(service), *constant, "{check:?}");
            assert_eq!(constant.len(), 7);
            assert!(seen.insert(*constant), "{constant} is used twice");
        }
        assert!(seen.insert(METHOD_NOT_ALLOWED));
        assert!(seen.insert(UNKNOWN_PATH));
        for (endpoint, table) in [
            (
                smilepayz::endpoints::inquiry_status::ENDPOINT,
                inquiry_status::TABLE,
            ),
            (smilepayz::endpoints::pay_in::ENDPOINT, pay_in::TABLE),
            (smilepayz::endpoints::pay_out::ENDPOINT, pay_out::TABLE),
        ] {
            assert_eq!(table.len(), Check::ALL.len());
            for (check, constant) in table {
                assert_eq!(check.code(endpoint.service_code), *constant, "{check:?}");
                assert!(seen.insert(*constant), "{constant} is used twice");
            }
        }
        assert_eq!(pay_out::INSUFFICIENT_BALANCE, "4009107");
        assert_eq!(pay_in::DUPLICATE_ORDER, "4099001");
        assert_eq!(inquiry_status::TRANSACTION_NOT_FOUND, "4049204");
    }

    #[test]
    fn the_documented_table_is_what_the_code_says() {
        // Keep in step with the table in the module documentation of `emulator`.
        use inquiry_balance::*;
        let documented = [
            (METHOD_NOT_ALLOWED, "4050001"),
            (UNKNOWN_PATH, "4040001"),
            (BODY_TOO_LARGE, "4131101"),
            (CONTENT_TYPE_NOT_JSON, "4151101"),
            (CONTENT_TYPE_MISSING, "4151102"),
            (MISSING_HEADER, "4001101"),
            (REPEATED_HEADER, "4001102"),
            (MALFORMED_TIMESTAMP, "4001103"),
            (BODY_NOT_UTF8, "4001104"),
            (BODY_NOT_JSON, "4001105"),
            (INVALID_BODY_FIELDS, "4001106"),
            (SIGNATURE_MISMATCH, "4011101"),
            (SIGNATURE_NOT_BASE64, "4011102"),
            (SIGNATURE_WRONG_LENGTH, "4011103"),
            (TIMESTAMP_OUT_OF_WINDOW, "4011104"),
            (UNKNOWN_PARTNER, "4011105"),
            (ENDPOINT_NOT_OFFERED, "4041103"),
            (TRANSACTION_NOT_FOUND, "4041104"),
            (DUPLICATE_ORDER, "4091101"),
            (INSUFFICIENT_BALANCE, "4001107"),
            (CALLBACK_URL_REFUSED, "4001108"),
            (MOVEMENT_REFUSED, "4001109"),
            (TOO_MANY_TRANSACTIONS, "5031102"),
            (INTERNAL_ERROR, "5001101"),
            (INJECTED_SERVER_ERROR, "5031101"),
        ];
        for (constant, text) in documented {
            assert_eq!(constant, text);
        }
        assert_eq!(documented.len(), Check::ALL.len() + 2);
    }
}
