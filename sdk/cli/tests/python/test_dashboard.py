"""The dashboard in a real browser: headless Chromium (Debian's chromium and chromium-driver),
driven over WebDriver with the standard library. It loads the page the emulator serves,
clicks "SUCCESS" on a pay-in, and sees the status, the balance and the callback change.

Run by `cargo test -p smilepayz-cli --test python_suites`."""

import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from suite import Emulator, Receiver, order_no

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One headless Chromium session through chromedriver's W3C WebDriver API."""

    def __init__(self, profile):
        port = free_port()
        self.driver = subprocess.Popen(
            [CHROMEDRIVER, "--port=%d" % port],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = "http://127.0.0.1:%d" % port
        for _ in range(100):
            try:
                if self.call("GET", "/status")["ready"]:
                    break
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        else:
            raise AssertionError("chromedriver did not start within 10 s")
        session = self.call("POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                # As root, and on a machine whose network is closed: no sandbox, no
                # background connections.
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                ],
            },
        }}})
        self.session = "/session/" + session["sessionId"]

    def call(self, method, path, body=None):
        request = urllib.request.Request(
            self.url + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as error:
            raise LookupError(json.loads(error.read())["value"].get("message", "WebDriver error"))

    def open(self, url):
        self.call("POST", self.session + "/url", {"url": url})

    def text(self, selector):
        """The element's text, or None while it is not on the page."""
        try:
            element = self.call("POST", self.session + "/element",
                                {"using": "css selector", "value": selector})
            return self.call("GET", "%s/element/%s/text" % (self.session, element[ELEMENT]))
        except LookupError:
            return None

    def click(self, selector):
        element = self.call("POST", self.session + "/element",
                            {"using": "css selector", "value": selector})
        self.call("POST", "%s/element/%s/click" % (self.session, element[ELEMENT]), {})

    def wait_for_text(self, selector, expected, timeout=15):
        seen = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.text(selector)
            if seen == expected:
                return
            time.sleep(0.2)
        raise AssertionError("%s shows %r, not %r, after %d s" % (selector, seen, expected, timeout))

    def close(self):
        try:
            self.call("DELETE", self.session)
        finally:
            self.driver.terminate()
            self.driver.wait(timeout=10)


class Dashboard(unittest.TestCase):
    def test_settle_in_the_dashboard_changes_the_status_and_sends_the_callback(self):
        with tempfile.TemporaryDirectory() as folder:
            emulator = Emulator(folder, "sandbox-20088", "dashboard-suite-secret-01")
            receiver = Receiver()
            browser = None
            try:
                payin_order = order_no("20088", "DB")
                trade_no = emulator.gateway("/v2.0/transaction/pay-in", {
                    "orderNo": payin_order,
                    "purpose": "Dashboard test",
                    "money": {"currency": "THB", "amount": 100},
                    "merchant": {"merchantId": "sandbox-20088", "merchantName": "Demo Store"},
                    "callbackUrl": receiver.url,
                    "area": 11,
                    "paymentMethod": "QRPAY",
                    "payer": {"name": "test", "accountNo": "0232323212232", "bankName": "KBANK"},
                })["tradeNo"]

                browser = Browser(os.path.join(folder, "chromium-profile"))
                browser.open(emulator.dashboard_url)
                row = "#transaction-" + trade_no
                browser.wait_for_text(row + " td.status", "PROCESSING")
                merchant = "#merchant-sandbox-20088"
                browser.wait_for_text(merchant + " td.payin-balance", "0.00 THB")
                self.assertIsNone(browser.text("#callbacks tbody tr[id^=callback-]"))

                browser.click("#settle-SUCCESS-" + trade_no)

                # The page shows what happened, without a reload.
                browser.wait_for_text(row + " td.status", "SUCCESS")
                browser.wait_for_text(merchant + " td.payin-balance", "100.00 THB")
                browser.wait_for_text("#callbacks tbody tr td.state", "ACCEPTED")
                # The settle buttons are gone once it is final.
                self.assertIsNone(browser.text("#settle-FAILED-" + trade_no))

                # And it really happened: the books and the merchant's handler agree.
                status, transaction = emulator.control("GET", "/transactions/" + trade_no)
                self.assertEqual((status, transaction["status"]), (200, "SUCCESS"))
                headers, body = receiver.next()
                notification = emulator.verify_callback(headers, body, trade_no)
                self.assertEqual(notification["status"], "SUCCESS")
                self.assertEqual(notification["orderNo"], payin_order)
            finally:
                if browser is not None:
                    browser.close()
                receiver.close()
                emulator.stop()


if __name__ == "__main__":
    unittest.main()
