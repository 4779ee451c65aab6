//! A merchant's program on the packaged crate: a THB balance inquiry, signed and sent to the
//! emulator, printed as JSON. .ci/package builds and runs it away from the repository.

use smilepayz::definitions::BalanceType;
use smilepayz_emulator::{Emulator, TestMerchant};
use smilepayz::regions::thb;
use smilepayz::{Client, Region};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let merchant = TestMerchant::generate(Region::Thb)?;
    let emulator = Emulator::builder().merchant(merchant.merchant()).start().await?;
    let client = Client::builder()
        .base_url(emulator.base_url())
        .partner_id(merchant.partner_id.clone())
        .merchant_secret(merchant.secret.clone())
        .private_key(merchant.private_key.clone())
        .build()?;
    let request = thb::InquiryBalanceRequest::new("21120030202403071031", [BalanceType::Balance])?;
    let response = client.send(&request).await?;
    println!("{}", serde_json::to_string(&response)?);
    emulator.shutdown().await;
    Ok(())
}
