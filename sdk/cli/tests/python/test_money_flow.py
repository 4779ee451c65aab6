"""The emulator driven as a Python merchant's test suite drives it: nothing but the standard
library and `cryptography`, no Rust.

It keeps its own credentials in a merchants file (as a suite keeps them in its configuration),
starts `smilepayz serve --json` with them, and walks the money flow through the gateway API
and the control API, with a local receiver for the callbacks:
pay-in, settled now, the signed callback received and verified, inquiry-status, pay-out, a
forced failure, and the balances at each step.

Run by `cargo test -p smilepayz-cli --test python_suites` (SMILEPAYZ_BIN names the command);
by hand: SMILEPAYZ_BIN=target/debug/smilepayz python3 -m unittest discover sdk/cli/tests/python
"""

import tempfile
import time
import unittest

from suite import Emulator, Receiver, order_no

PARTNER_ID = "sandbox-20077"
SECRET = "python-suite-secret-0001"


class MoneyFlow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        cls.emulator = Emulator(cls.folder.name, PARTNER_ID, SECRET)
        cls.merchant = cls.emulator.merchant
        cls.receiver = Receiver()

    @classmethod
    def tearDownClass(cls):
        cls.receiver.close()
        cls.emulator.stop()
        cls.folder.cleanup()

    def gateway(self, path, body):
        return self.emulator.gateway(path, body)

    def control(self, method, path, body=None):
        return self.emulator.control(method, path, body)

    def balance(self, account_no):
        answer = self.gateway(
            "/v2.0/inquiry-balance", {"accountNo": account_no, "balanceTypes": ["BALANCE"]}
        )
        # One balance type is answered as one object, as the documented examples show it;
        # several as a list.
        info = answer["accountInfos"]
        if isinstance(info, list):
            (info,) = info
        return info["amount"]["value"], info["availableBalance"]["value"]

    def accounts(self):
        status, answer = self.control("GET", "/merchants")
        self.assertEqual(status, 200, answer)
        (merchant,) = [m for m in answer["merchants"] if m["partnerId"] == PARTNER_ID]
        return merchant

    def verified_callback(self, trade_no):
        headers, body = self.receiver.next()
        return self.emulator.verify_callback(headers, body, trade_no)

    # -- the flow ----------------------------------------------------------------------------

    def test_the_money_flow(self):
        payin_account = self.merchant["payinAccountNo"]
        payout_account = self.merchant["payoutAccountNo"]
        self.control("POST", "/reset")
        self.assertEqual(self.balance(payin_account), ("0.00", "0.00"))
        self.assertEqual(self.balance(payout_account), ("1000000.00", "1000000.00"))

        # A pay-in, as the official Python demo sends it, with the shop's real callback URL
        # replaced by this suite's receiver.
        payin_order = order_no("20077", "PY")
        answer = self.gateway("/v2.0/transaction/pay-in", {
            "orderNo": payin_order,
            "purpose": "Purpose For Transaction from Python SDK",
            "money": {"currency": "THB", "amount": 150.25},
            "merchant": {"merchantId": PARTNER_ID, "merchantName": "Demo Store"},
            "callbackUrl": self.receiver.url,
            "redirectUrl": "https://shop.example.com/orders/1001",
            "area": 11,
            "paymentMethod": "QRPAY",
            "payer": {"name": "test", "accountNo": "0232323212232", "bankName": "KBANK"},
        })
        payin_trade = answer["tradeNo"]
        status, found = self.control("GET", "/transactions?orderNo=" + payin_order)
        self.assertEqual(status, 200)
        self.assertEqual([t["status"] for t in found["transactions"]], ["PROCESSING"])
        self.assertEqual(found["transactions"][0]["amount"], "150.25")
        self.assertEqual(self.balance(payin_account), ("0.00", "0.00"))

        # Settled now: the money arrives and the signed callback says so.
        status, settled = self.control(
            "POST", "/transactions/%s/settle" % payin_trade, {"status": "SUCCESS"}
        )
        self.assertEqual((status, settled["status"]), (200, "SUCCESS"), settled)
        notification = self.verified_callback(payin_trade)
        self.assertEqual(notification["status"], "SUCCESS")
        self.assertEqual(notification["orderNo"], payin_order)
        self.assertEqual(str(notification["money"]["amount"]), "150.25")
        self.assertEqual(self.balance(payin_account), ("150.25", "150.25"))
        self.assertEqual(self.accounts()["payin"]["balance"], "150.25")

        status_answer = self.gateway(
            "/v2.0/inquiry-status", {"tradeType": 1, "orderNo": payin_order}
        )
        self.assertEqual(status_answer["status"], "SUCCESS")
        self.assertEqual(status_answer["tradeNo"], payin_trade)

        # A pay-out: held at once, then forced to fail: the hold comes back.
        payout_order = order_no("20077", "PO")
        answer = self.gateway("/v2.0/disbursement/pay-out", {
            "orderNo": payout_order,
            "purpose": "Refund of order 1001",
            "merchant": {"merchantId": PARTNER_ID},
            "money": {"currency": "THB", "amount": 2500.50},
            "paymentMethod": "KBANK",
            "cashAccount": "17385238451",
            "callbackUrl": self.receiver.url,
        })
        payout_trade = answer["tradeNo"]
        self.assertEqual(self.balance(payout_account), ("1000000.00", "997499.50"))
        status, failed = self.control(
            "POST", "/transactions/%s/settle" % payout_trade, {"status": "FAILED"}
        )
        self.assertEqual((status, failed["status"]), (200, "FAILED"), failed)
        notification = self.verified_callback(payout_trade)
        self.assertEqual(notification["status"], "FAILED")
        self.assertEqual(self.balance(payout_account), ("1000000.00", "1000000.00"))
        status_answer = self.gateway(
            "/v2.0/inquiry-status", {"tradeType": 2, "orderNo": payout_order}
        )
        self.assertEqual(status_answer["status"], "FAILED")

        # A final status never changes.
        status, refused = self.control(
            "POST", "/transactions/%s/settle" % payout_trade, {"status": "SUCCESS"}
        )
        self.assertEqual(status, 409, refused)

        # A second pay-out that succeeds: the balance goes down by exactly its amount.
        second_order = order_no("20077", "PS")
        answer = self.gateway("/v2.0/disbursement/pay-out", {
            "orderNo": second_order,
            "purpose": "Refund of order 1002",
            "merchant": {"merchantId": PARTNER_ID},
            "money": {"currency": "THB", "amount": 0.75},
            "paymentMethod": "KBANK",
            "cashAccount": "17385238451",
            "callbackUrl": self.receiver.url,
        })
        self.control("POST", "/transactions/%s/settle" % answer["tradeNo"], {"status": "SUCCESS"})
        self.assertEqual(self.verified_callback(answer["tradeNo"])["status"], "SUCCESS")
        self.assertEqual(self.balance(payout_account), ("999999.25", "999999.25"))

        # Every callback, as the control API saw it: delivered once and accepted (an attempt
        # is recorded once the handler's answer is read, so wait for the last one).
        for _ in range(200):
            status, callbacks = self.control("GET", "/callbacks")
            self.assertEqual(status, 200)
            if len(callbacks["callbacks"]) == 3 and all(
                c["state"] == "ACCEPTED" for c in callbacks["callbacks"]
            ):
                break
            time.sleep(0.05)
        self.assertEqual(
            [(c["tradeNo"], c["status"], c["state"], len(c["attempts"])) for c in callbacks["callbacks"]],
            [(payin_trade, "SUCCESS", "ACCEPTED", 1),
             (payout_trade, "FAILED", "ACCEPTED", 1),
             (answer["tradeNo"], "SUCCESS", "ACCEPTED", 1)],
        )

        # A balance set for the next test, then everything forgotten.
        status, merchant = self.control(
            "PUT", "/merchants/%s/balances" % PARTNER_ID, {"payout": "10.00"}
        )
        self.assertEqual((status, merchant["payout"]["available"]), (200, "10.00"), merchant)
        self.assertEqual(self.balance(payout_account), ("10.00", "10.00"))
        status, _ = self.control("POST", "/reset")
        self.assertEqual(status, 200)
        self.assertEqual(self.control("GET", "/transactions")[1], {"transactions": []})
        self.assertEqual(self.balance(payout_account), ("1000000.00", "1000000.00"))

    def test_the_openapi_document_describes_the_control_api(self):
        status, document = self.control("GET", "/openapi.json")
        self.assertEqual(status, 200)
        self.assertTrue(document["openapi"].startswith("3."))
        self.assertIn("/transactions/{tradeNo}/settle", document["paths"])


if __name__ == "__main__":
    unittest.main()
