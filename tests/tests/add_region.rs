//! A region is one file: adding one to a copy of the spec needs no Rust change.

use std::path::Path;

const XTS: &str = r#"# yaml-language-server: $schema=../schema/region.schema.json
code: XTS
name: Test region
summary: A made-up region for testing (XTS is the ISO 4217 code for testing) (XTS).
currency: XTS
area_code: 99
money_format: integer
timestamp_offset: "+07:00"
endpoints:
  inquiry-balance:
    field_notes:
      response.accountInfos.amount.currency: Fixed to XTS.
    examples:
      - name: sandbox
        response:
          body:
            code: "00"
            message: Successful
            accountInfos:
              balanceType: BALANCE
              amount: { currency: XTS, value: "1000000" }
              availableBalance: { currency: XTS, value: "999000" }
"#;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from)
        .expect("read folder")
        .filter_map(Result::ok)
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

#[test]
fn a_new_region_file_gets_a_module_with_no_code_change() {
    let temp = tempfile::tempdir().expect("temp folder");
    let spec_dir = temp.path().join("spec");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"),
        &spec_dir,
    );
    std::fs::write(spec_dir.join("regions/xts.yaml"), XTS).expect("write xts.yaml");

    let spec = smilepayz_codegen::load(&spec_dir)
        .unwrap_or_else(|problems| panic!("XTS was refused:\n{problems}"));
    let before = smilepayz_codegen::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"))
        .expect("the repository spec loads")
        .regions
        .len();
    assert_eq!(spec.regions.len(), before + 1);
    let xts = spec
        .regions
        .iter()
        .find(|r| r.spec.code == "XTS")
        .expect("XTS loaded");
    assert_eq!(
        (xts.module.as_str(), xts.money_scale, xts.utc_offset_seconds),
        ("xts", 0, 7 * 3600)
    );

    let module = smilepayz_codegen::region_source(&spec, xts).expect("XTS module emitted");
    syn::parse_file(&module).expect("the XTS module parses");
    for expected in [
        "pub mod xts {",
        "pub struct Xts;",
        "currency: \"XTS\"",
        "area_code: 99,",
        "pub type InquiryBalanceResponse = endpoints::inquiry_balance::InquiryBalanceResponse<",
        "INQUIRY_BALANCE_EXAMPLES",
    ] {
        assert!(
            module.contains(expected),
            "the XTS module lacks {expected:?}:\n{module}"
        );
    }
    let whole = smilepayz_codegen::generate(&spec).expect("generates");
    // The run-time region types (their variants) and every `match` over the regions gain the
    // region too: the dispatch lists it once per endpoint, with its variant's documentation.
    let words = whole.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(r#"Thb thb " Thailand (THB).", Usdt usdt " USDT (USDT).", Xts xts "#),
        "{whole}"
    );
}
